/**
 * The small day the decision specs work on: hospital 7 on Tuesday 2026-12-01
 * (UTC, 30-day horizon), doctor 1 with three 30-minute slots of two seats,
 * doctor 2 with two slots of one seat. Test data only.
 */
import type { DoctorCalendar, HospitalCalendar } from "../../../platform/calendar";
import { DEFAULT_QUEUE_SETTINGS, buildQueueState } from "../reception/queue-state";
import { buildDayState } from "./day-state";

export const DATE = "2026-12-01"; // a Tuesday
export const START = Date.parse("2026-11-30T00:00:00Z");
export const calendar: HospitalCalendar = {
  timeZone: "UTC",
  bookingHorizonDays: 30,
  openingHours: [],
  holidays: [],
};
export const doctors: DoctorCalendar[] = [
  {
    id: 1,
    leaveDays: [],
    sessions: [{ weekday: 2, start: "09:00", end: "10:30", slotMinutes: 30, capacity: 2 }],
  },
  {
    id: 2,
    leaveDays: [],
    sessions: [{ weekday: 2, start: "09:00", end: "10:00", slotMinutes: 30, capacity: 1 }],
  },
];

/** The day as it opens, on `cal` (the UTC calendar above by default). */
export const freshDay = (cal: HospitalCalendar = calendar) =>
  buildDayState(7, DATE, cal, doctors, [], buildQueueState(DEFAULT_QUEUE_SETTINGS, [], new Map()));
