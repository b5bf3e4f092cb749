import type { DoctorCalendar, HospitalCalendar } from "../../../platform/calendar";
import { DEFAULT_QUEUE_SETTINGS, buildQueueState } from "../reception/queue-state";
import { dayAvailability } from "./availability";
import { applyCommand } from "./day-commands";
import type { DecisionError } from "./decision";
import type { DayState } from "./day-state";
import { buildDayState } from "./day-state";

const DATE = "2026-12-01"; // a Tuesday
const START = Date.parse("2026-11-30T00:00:00Z");
const calendar: HospitalCalendar = {
  timeZone: "UTC",
  bookingHorizonDays: 30,
  openingHours: [],
  holidays: [],
};
const doctors: DoctorCalendar[] = [
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
const freshDay = () =>
  buildDayState(7, DATE, calendar, doctors, [], buildQueueState(DEFAULT_QUEUE_SETTINGS, [], new Map()));
let seq = 0;
const newId = () => `a${++seq}`;

describe("availability statuses and what SLOT_CLOSED says", () => {
  const at = (iso: string) => Date.parse(iso);
  const statusesOf = (state: DayState, now: number, doctorId: number) =>
    dayAvailability(state, now, doctorId)[0].slots.map((s) => [s.start, s.status, s.available, s.reason]);
  const closedRefusal = (state: DayState, start: string, now: number) => {
    try {
      applyCommand(state, { type: "book", doctorId: 1, start, patientId: 1, accountId: 1 }, now, newId);
    } catch (err) {
      return err as DecisionError;
    }
    throw new Error("booked");
  };

  test("a slot is past once it starts, full with no seat left, closed beyond the horizon; sessions are listed", () => {
    const state = freshDay();
    applyCommand(
      state,
      { type: "book", doctorId: 2, start: "09:30", patientId: 1, accountId: 1 },
      START,
      newId,
    );
    const now = at(`${DATE}T09:00:00Z`);
    expect(statusesOf(state, now, 2)).toEqual([
      ["09:00", "past", 0, undefined],
      ["09:30", "full", 0, undefined],
    ]);
    expect(dayAvailability(state, now, 1)[0].sessions).toEqual([{ start: "09:00", end: "10:30" }]);
    // 31 days ahead of the day is past a 30-day horizon.
    const early = at("2026-10-31T00:00:00Z");
    expect(statusesOf(state, early, 1).map((s) => s.slice(1))).toEqual(
      new Array(3).fill(["closed", 0, "beyond_horizon"]),
    );
  });

  test("on a holiday or a leave day the usual slots show closed with the reason, and no sessions", () => {
    const holiday = buildDayState(7, DATE, { ...calendar, holidays: [DATE] }, doctors, [], freshDay().queue);
    expect(statusesOf(holiday, START, 1).map((s) => s[3])).toEqual(["holiday", "holiday", "holiday"]);
    expect(dayAvailability(holiday, START, 1)[0].sessions).toEqual([]);
    const away = [{ ...doctors[0], leaveDays: [DATE] }, doctors[1]];
    const leave = buildDayState(7, DATE, calendar, away, [], freshDay().queue);
    expect(statusesOf(leave, START, 1).map((s) => s[1])).toEqual(["closed", "closed", "closed"]);
    expect(statusesOf(leave, START, 2).map((s) => s[1])).toEqual(["open", "open"]);

    const refused = closedRefusal(leave, "09:00", START);
    expect(refused.status).toBe(422);
    // Doctor 1 works Tuesdays only: the next open slot is a week on.
    expect(refused.details).toMatchObject({
      reason: "leave",
      sessions: [],
      nextOpen: { date: "2026-12-08", start: "09:00" },
    });
    expect(refused.message).toContain("does not work on 2026-12-01 (leave)");
    expect(refused.message).toContain("2026-12-08 09:00");
  });

  test("a time the doctor does not work is refused naming their sessions and the next open slot", () => {
    const state = freshDay();
    const refused = closedRefusal(state, "09:15", START);
    expect(refused.details).toMatchObject({
      sessions: [{ start: "09:00", end: "10:30" }],
      nextOpen: { date: DATE, start: "09:30" },
    });
    expect(refused.message).toContain("works 09:00–10:30 on 2026-12-01");
    const started = closedRefusal(state, "09:00", at(`${DATE}T09:40:00Z`));
    expect(started.details).toMatchObject({ nextOpen: { date: DATE, start: "10:00" } });
  });
});
