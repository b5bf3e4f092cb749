/**
 * The refusal of a booking for a slot that cannot be booked (none starts
 * then, it has started, the doctor is away, beyond the horizon): it says when
 * the doctor works that day and names their next open slot, so a client can
 * offer it instead of a dead end. Pure.
 */
import type { DoctorCalendar } from "../../../platform/calendar";
import { bookingWindow } from "../../hospitals/day-schedule";
import { dayOffReason, doctorSessions, nextOpenSlot, sessionsText } from "../../hospitals/doctor-hours";
import type { DayState } from "./day-state";
import { bookedSeats } from "./day-state";
import { DecisionError } from "./decision";

export function slotClosed(
  state: DayState,
  doctor: DoctorCalendar,
  start: string,
  why: string,
  now: number,
): DecisionError {
  const window = bookingWindow(state.calendar, new Date(now));
  // Only this day's seats are known here; another day's are that day's actor's to count.
  const isFull = (date: string, at: string) => {
    if (date !== state.date) return false;
    const slot = state.slots.get(doctor.id)?.get(at);
    return !slot || bookedSeats(state, slot, now) >= slot.capacity;
  };
  // The next slot after the one asked for; if there is none (asked too far ahead), the first from now.
  const nextOpen =
    nextOpenSlot(state.calendar, doctor, window, state.date, start, isFull) ??
    nextOpenSlot(state.calendar, doctor, window, window.today, "00:00", isFull);
  const sessions = doctorSessions(state.calendar, doctor, state.date);
  const off = dayOffReason(state.calendar, doctor, state.date);
  const works =
    sessions.length > 0
      ? `Doctor ${doctor.id} works ${sessionsText(sessions)} on ${state.date}`
      : `Doctor ${doctor.id} does not work on ${state.date}${off ? ` (${off})` : ""}`;
  const next = nextOpen
    ? `the next open slot is ${nextOpen.date} ${nextOpen.start}`
    : "no slot is open within the booking horizon";
  return new DecisionError(422, "SLOT_CLOSED", `Not bookable: ${why}. ${works}; ${next}.`, {
    date: state.date,
    start,
    sessions,
    ...(off ? { reason: off } : {}),
    nextOpen,
  });
}
