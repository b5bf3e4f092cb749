/**
 * When a doctor works: the day's working sessions (the weekly sessions less
 * their breaks; none on a holiday or a leave day), whether they cover a local
 * minute, the next session after one, and the next slot still open for
 * booking. Pure: no database, no clock.
 */
import type { DoctorCalendar, HospitalCalendar, TimeRange } from "../../platform/calendar";
import { addDays, fromMinutes, isoWeekday, toMinutes } from "../../platform/time";
import type { BookingWindow } from "./day-schedule";
import { doctorDaySlots, isSlotOpen } from "./day-schedule";

export type DayOffReason = "holiday" | "leave";

/** How far ahead "when does this doctor next work" looks: a year covers any weekly rota and leave. */
const LOOKAHEAD_DAYS = 366;

/** Why the doctor does not work at all on `date`, or null on an ordinary day. */
export function dayOffReason(
  hospital: HospitalCalendar,
  doctor: DoctorCalendar,
  date: string,
): DayOffReason | null {
  if (hospital.holidays.includes(date)) return "holiday";
  if (doctor.leaveDays.includes(date)) return "leave";
  return null;
}

/** The weekly sessions of `date`'s weekday split around their breaks, touching ones joined, in time order. */
export function rotaSessions(doctor: DoctorCalendar, date: string): TimeRange[] {
  const weekday = isoWeekday(date);
  const periods: [number, number][] = [];
  for (const session of doctor.sessions) {
    if (session.weekday !== weekday) continue;
    const end = toMinutes(session.end);
    let from = toMinutes(session.start);
    const breaks = (session.breaks ?? [])
      .map((b) => [toMinutes(b.start), toMinutes(b.end)] as const)
      .sort((a, b) => a[0] - b[0]);
    for (const [bs, be] of breaks) {
      if (bs > from) periods.push([from, Math.min(bs, end)]);
      from = Math.max(from, be);
    }
    if (end > from) periods.push([from, end]);
  }
  periods.sort((a, b) => a[0] - b[0]);
  const joined: [number, number][] = [];
  for (const p of periods) {
    const last = joined.at(-1);
    if (last && p[0] <= last[1]) last[1] = Math.max(last[1], p[1]);
    else joined.push([p[0], p[1]]);
  }
  return joined.map(([s, e]) => ({ start: fromMinutes(s), end: fromMinutes(e) }));
}

/** The doctor's working sessions on `date`: none on a holiday or leave day. */
export function doctorSessions(
  hospital: HospitalCalendar,
  doctor: DoctorCalendar,
  date: string,
): TimeRange[] {
  return dayOffReason(hospital, doctor, date) ? [] : rotaSessions(doctor, date);
}

/** Whether one of `sessions` covers local minute `minutes`. */
export const worksAt = (sessions: readonly TimeRange[], minutes: number): boolean =>
  sessions.some((s) => toMinutes(s.start) <= minutes && minutes < toMinutes(s.end));

export interface DatedSession extends TimeRange {
  date: string;
}

/** The first session that starts after local minute `minutes` of `date`, on that day or a later one. */
export function nextSession(
  hospital: HospitalCalendar,
  doctor: DoctorCalendar,
  date: string,
  minutes: number,
): DatedSession | null {
  for (let i = 0; i <= LOOKAHEAD_DAYS; i++) {
    const day = addDays(date, i);
    const found = doctorSessions(hospital, doctor, day).find((s) => i > 0 || toMinutes(s.start) > minutes);
    if (found) return { date: day, ...found };
  }
  return null;
}

/**
 * The doctor's first slot at or after `date` `from` that can still be booked
 * (started, past the horizon, holidays and leave are skipped); `isFull`
 * says which slots have no seat left, for the days the caller can count.
 */
export function nextOpenSlot(
  hospital: HospitalCalendar,
  doctor: DoctorCalendar,
  window: BookingWindow,
  date: string,
  from: string,
  isFull: (date: string, start: string) => boolean,
): { date: string; start: string } | null {
  for (let day = date < window.today ? window.today : date; day <= window.lastDate; day = addDays(day, 1)) {
    const slot = doctorDaySlots(hospital, doctor, day).find(
      (s) => (day > date || s.start >= from) && isSlotOpen(window, day, s.start) && !isFull(day, s.start),
    );
    if (slot) return { date: day, start: slot.start };
  }
  return null;
}

/** "09:00–12:00, 13:00–18:00": sessions as a person reads them. */
export const sessionsText = (sessions: readonly TimeRange[]): string =>
  sessions.map((s) => `${s.start}–${s.end}`).join(", ");
