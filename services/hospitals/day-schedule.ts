/**
 * Which slots a doctor offers on a local date, from the weekly sessions minus
 * hospital holidays, the doctor's leave and breaks, and whether a slot can
 * still be booked at a given instant. Pure: no database, no clock.
 */
import type { DoctorCalendar, HospitalCalendar } from "../../platform/calendar";
import { addDays, fromMinutes, isoWeekday, localMoment, toMinutes } from "../../platform/time";

export interface SlotDefinition {
  start: string;
  end: string;
  capacity: number;
}

/** The doctor's slots on `date` (local), in start order; none on a holiday or leave day. */
export function doctorDaySlots(
  hospital: HospitalCalendar,
  doctor: DoctorCalendar,
  date: string,
): SlotDefinition[] {
  if (hospital.holidays.includes(date) || doctor.leaveDays.includes(date)) return [];
  return rotaSlots(doctor, date);
}

/** The slots the weekly sessions give `date`'s weekday, whether or not the doctor is away that day. */
export function rotaSlots(doctor: DoctorCalendar, date: string): SlotDefinition[] {
  const weekday = isoWeekday(date);
  const slots: SlotDefinition[] = [];
  for (const session of doctor.sessions) {
    if (session.weekday !== weekday) continue;
    const breaks = (session.breaks ?? []).map((b) => [toMinutes(b.start), toMinutes(b.end)] as const);
    const end = toMinutes(session.end);
    for (let t = toMinutes(session.start); t + session.slotMinutes <= end; t += session.slotMinutes) {
      const slotEnd = t + session.slotMinutes;
      if (breaks.some(([bs, be]) => t < be && slotEnd > bs)) continue;
      slots.push({ start: fromMinutes(t), end: fromMinutes(slotEnd), capacity: session.capacity });
    }
  }
  return slots.sort((a, b) => a.start.localeCompare(b.start));
}

export interface BookingWindow {
  /** The hospital's local date now. */
  today: string;
  /** Minutes since local midnight now. */
  nowMinutes: number;
  /** The last local date open for booking. */
  lastDate: string;
}

export function bookingWindow(hospital: HospitalCalendar, now: Date): BookingWindow {
  const local = localMoment(now, hospital.timeZone);
  return {
    today: local.date,
    nowMinutes: local.minutes,
    lastDate: addDays(local.date, hospital.bookingHorizonDays),
  };
}

/** A slot is open while it has not started and its date is inside the booking horizon. */
export function isSlotOpen(window: BookingWindow, date: string, start: string): boolean {
  if (date < window.today || date > window.lastDate) return false;
  return date > window.today || toMinutes(start) > window.nowMinutes;
}

/** Whether the hospital's opening hours cover local minute `minutes` of `date`. */
export function isOpenAt(hospital: HospitalCalendar, date: string, minutes: number): boolean {
  if (hospital.holidays.includes(date)) return false;
  const weekday = isoWeekday(date);
  return hospital.openingHours.some(
    (r) => r.weekday === weekday && toMinutes(r.start) <= minutes && minutes < toMinutes(r.end),
  );
}
