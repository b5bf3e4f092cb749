/**
 * The refusal of a ticket for a doctor who is not on duty (see
 * `onDutyDoctors`), naming when they next work. Time is passed in. Pure.
 */
import { localMoment } from "../../../platform/time";
import { nextSession } from "../../hospitals/doctor-hours";
import type { DatedSession } from "../../hospitals/doctor-hours";
import type { DayState } from "../decisions/day-state";
import { DecisionError } from "../decisions/decision";

/** 422 DOCTOR_OFF_DUTY for `doctorIds` (one doctor, or all for an "any doctor" ticket) with their next session. */
export function offDuty(state: DayState, doctorIds: number[], now: number): DecisionError {
  const local = localMoment(new Date(now), state.calendar.timeZone);
  let next: (DatedSession & { doctorId: number }) | null = null;
  for (const id of doctorIds) {
    const doctor = state.doctors.get(id);
    const session = doctor ? nextSession(state.calendar, doctor, local.date, local.minutes) : null;
    if (session && (!next || `${session.date} ${session.start}` < `${next.date} ${next.start}`))
      next = { doctorId: id, ...session };
  }
  const one = doctorIds.length === 1;
  const who = one ? `Doctor ${doctorIds[0]} is not` : "No doctor is";
  const when = next
    ? `${one ? "they" : `doctor ${next.doctorId}`} next work${one ? "" : "s"} ${next.date} ${next.start}–${next.end}`
    : "no working session is planned";
  return new DecisionError(422, "DOCTOR_OFF_DUTY", `${who} working now; ${when}.`, {
    ...(one ? { doctorId: doctorIds[0] } : {}),
    nextWork: next,
  });
}
