import fc from "fast-check";
import { availabilityValidUntil, dayAvailability, slotTakesBookings } from "./availability";
import { applyCommand } from "./day-commands";
import { DATE, START, calendar, doctors, freshDay } from "./test-day";
import type { DecisionError } from "./decision";
import type { DayState } from "./day-state";
import { buildDayState } from "./day-state";

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
    expect(slotTakesBookings(holiday, START, 1, "09:00")).toBe(false);
    expect(slotTakesBookings(freshDay(), START, 1, "09:00")).toBe(true);
    expect(slotTakesBookings(freshDay(), START, 424242, "09:00")).toBeNull();
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

describe("how long an availability answer holds (the Redis copy's validity)", () => {
  const seoul = { ...calendar, timeZone: "Asia/Seoul" };
  const booking = fc.record({
    doctor: fc.constantFrom(1, 2),
    start: fc.constantFrom("09:00", "09:30", "10:00"),
    holdSeconds: fc.option(fc.integer({ min: 1, max: 900 }), { nil: undefined }),
    offsetMs: fc.integer({ min: 0, max: 3 * 3600_000 }),
  });

  test("no instant before validUntil answers differently, with holds lapsing and slots starting", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(calendar, seoul),
        fc.array(booking, { maxLength: 8 }),
        fc.integer({ min: 0, max: 30 * 3600_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (cal, bookings, nowOffset, fraction) => {
          const state = freshDay(cal);
          const base = Date.parse(`${DATE}T00:00:00Z`) - 9 * 3600_000;
          bookings.forEach((b, i) => {
            try {
              applyCommand(
                state,
                {
                  type: "book",
                  doctorId: b.doctor,
                  start: b.start,
                  patientId: i + 1,
                  accountId: i + 1,
                  holdSeconds: b.holdSeconds,
                },
                base + b.offsetMs,
                newId,
              );
            } catch {
              // A full or started slot refuses: the day stays as it was.
            }
          });
          const now = base + nowOffset;
          const until = availabilityValidUntil(state, now);
          expect(until).toBeGreaterThan(now);
          expect(until - now).toBeLessThanOrEqual(60_000);
          const later = now + Math.floor((until - now - 1) * fraction);
          expect(dayAvailability(state, later)).toEqual(dayAvailability(state, now));
          // The one-slot check admission control asks agrees with the whole day's answer.
          for (const doctor of dayAvailability(state, now))
            for (const slot of doctor.slots)
              expect(slotTakesBookings(state, now, doctor.doctorId, slot.start)).toBe(slot.status === "open");
        },
      ),
      { numRuns: 300 },
    );
  });

  test("a hold lapsing within the minute ends the answer's life there", () => {
    const state = freshDay();
    const now = Date.parse("2026-11-30T10:00:10Z");
    applyCommand(
      state,
      { type: "book", doctorId: 2, start: "09:30", patientId: 1, accountId: 1, holdSeconds: 20 },
      now,
      newId,
    );
    expect(availabilityValidUntil(state, now)).toBe(now + 20_000);
    expect(availabilityValidUntil(state, now + 20_000)).toBe(Date.parse("2026-11-30T10:01:00Z"));
  });
});
