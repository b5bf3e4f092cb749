/**
 * The obvious way to answer a day's availability without the day's actor:
 * count the seat-holding appointments per slot with one GROUP BY on MariaDB
 * and lay the counts over the slots the calendar gives the day. A stateless
 * route has no calendar in memory, so by default it reads that too (the
 * hospital, its doctors, the public holidays: three more queries).
 *
 * The answer comes from the same pure `dayAvailability` the actor runs, on a
 * day state seated with one stand-in appointment per counted seat, so the
 * shapes agree to the field (statuses, `available`, closed days) and the
 * comparison measures the reads, not two renderings.
 */
import { QueryTypes } from "sequelize";
import type { App } from "../../platform/app";
import type { CalendarSnapshot } from "../../services/hospitals/calendar-repository";
import { loadCalendar } from "../../services/hospitals/calendar-repository";
import type { DoctorAvailability } from "../../services/day/decisions/availability";
import { dayAvailability } from "../../services/day/decisions/availability";
import type { Appointment } from "../../services/day/decisions/day-state";
import { buildDayState } from "../../services/day/decisions/day-state";
import { DEFAULT_QUEUE_SETTINGS, buildQueueState } from "../../services/day/reception/queue-state";

/**
 * Seats held per slot: what `holdsSeat` and `isLapsed` keep in memory — a
 * seat number, and booked, checked in, or a pending hold that has not lapsed.
 * Served by the `appointments_day (hospital_id, date)` index.
 */
const SEATS_PER_SLOT = `SELECT doctor_id, start, COUNT(*) AS booked FROM appointments
  WHERE hospital_id = ? AND date = ? AND seat IS NOT NULL
    AND (status IN ('booked', 'checked_in') OR (status = 'pending' AND hold_expires_at > ?))
  GROUP BY doctor_id, start`;

interface SlotCount {
  doctor_id: number;
  start: string;
  booked: number | string;
}

/** The day's doctors as the SQL design sees them at `now`; null when there is no such hospital. */
export async function sqlAvailability(
  app: App,
  day: { hospitalId: number; date: string },
  now: number,
  calendar?: CalendarSnapshot,
): Promise<DoctorAvailability[] | null> {
  const [snapshot, counts] = await Promise.all([
    calendar ?? loadCalendar(app, day.hospitalId),
    app.sequelize.query<SlotCount>(SEATS_PER_SLOT, {
      replacements: [day.hospitalId, day.date, now],
      type: QueryTypes.SELECT,
    }),
  ]);
  if (!snapshot) return null;
  const seated = counts.flatMap((slot) =>
    Array.from({ length: Number(slot.booked) }, (_, i) => standIn(day, slot, i + 1, now)),
  );
  const queue = buildQueueState(DEFAULT_QUEUE_SETTINGS, [], new Map());
  const state = buildDayState(day.hospitalId, day.date, snapshot.calendar, snapshot.doctors, seated, queue);
  return dayAvailability(state, now);
}

/** A booked appointment that only takes seat `seat` of the slot: all the counting needs. */
function standIn(
  day: { hospitalId: number; date: string },
  slot: SlotCount,
  seat: number,
  now: number,
): Appointment {
  const doctorId = Number(slot.doctor_id);
  return {
    id: `${doctorId}/${slot.start}/${seat}`,
    hospitalId: day.hospitalId,
    doctorId,
    date: day.date,
    start: slot.start,
    seat,
    patientId: 0,
    accountId: 0,
    status: "booked",
    holdExpiresAt: null,
    couponCode: null,
    couponRef: null,
    createdAt: now,
    updatedAt: now,
  };
}
