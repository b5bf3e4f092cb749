import fc from "fast-check";
import type { DoctorCalendar, HospitalCalendar } from "../../../platform/calendar";
import { buildDayState } from "../decisions/day-state";
import type { DayState } from "../decisions/day-state";
import type { Caller } from "../decisions/decision";
import { DecisionError } from "../decisions/decision";
import { applyQueueCommand, contextOf } from "./queue-commands";
import type { QueueCommand } from "./queue-commands";
import { ACTIVE, DEFAULT_QUEUE_SETTINGS, buildQueueState } from "./queue-state";
import { dayPlaces, waitingInOrder } from "./queue-timeline";

const DATE = "2026-12-01"; // a Tuesday
const OPEN = Date.parse("2026-12-01T09:00:00Z");
const calendar: HospitalCalendar = {
  timeZone: "UTC",
  bookingHorizonDays: 30,
  openingHours: [{ weekday: 2, start: "09:00", end: "18:00" }],
  holidays: [],
};
// Doctor 1 works 09:00–11:00; doctor 2 09:00–12:00 with a break 10:00–10:30, so duty changes under the test.
const doctors: DoctorCalendar[] = [
  {
    id: 1,
    leaveDays: [],
    sessions: [{ weekday: 2, start: "09:00", end: "11:00", slotMinutes: 30, capacity: 1 }],
  },
  {
    id: 2,
    leaveDays: [],
    sessions: [
      {
        weekday: 2,
        start: "09:00",
        end: "12:00",
        slotMinutes: 30,
        capacity: 1,
        breaks: [{ start: "10:00", end: "10:30" }],
      },
    ],
  },
];
/** Who works at a minute of the day, by the rota above. */
const onDutyAt = (now: number): number[] => {
  const minute = (now - Date.parse(`${DATE}T00:00:00Z`)) / 60_000;
  return [
    ...(minute >= 540 && minute < 660 ? [1] : []),
    ...(minute >= 540 && minute < 720 && !(minute >= 600 && minute < 630) ? [2] : []),
  ];
};
const staff: Caller = { accountId: 900, role: "staff", hospitalId: 7 };
const patient = (id: number): Caller => ({ accountId: id, role: "patient", hospitalId: null });

const freshDay = (deskSharePercent: number) =>
  buildDayState(
    7,
    DATE,
    calendar,
    doctors,
    [],
    buildQueueState({ ...DEFAULT_QUEUE_SETTINGS, deskSharePercent }, [], new Map()),
  );

type Step =
  | { kind: "take"; patient: number; desk: boolean; doctor: number | null }
  | { kind: "call"; doctor: number | null }
  | { kind: "finish"; pick: number; noShow: boolean }
  | { kind: "cancel"; pick: number }
  | { kind: "wait"; minutes: number };

const doctorArb = fc.constantFrom<number | null>(null, 1, 2);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("take" as const),
      patient: fc.integer({ min: 1, max: 20 }),
      desk: fc.boolean(),
      doctor: doctorArb,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("call" as const), doctor: doctorArb }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("finish" as const), pick: fc.nat(), noShow: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("wait" as const), minutes: fc.integer({ min: 1, max: 15 }) }),
  },
);

function pick(state: DayState, status: string, n: number) {
  const tickets = [...state.queue.tickets.values()].filter((t) => t.status === status);
  return tickets.length > 0 ? tickets[n % tickets.length] : undefined;
}

function commandFor(state: DayState, step: Step): QueueCommand | null {
  switch (step.kind) {
    case "take":
      return {
        type: "takeTicket",
        patientId: step.patient,
        accountId: step.patient,
        channel: step.desk ? "desk" : "app",
        doctorId: step.doctor,
        caller: step.desk ? staff : patient(step.patient),
      };
    case "call":
      return { type: "callNext", doctorId: step.doctor, caller: staff };
    case "finish": {
      const t = pick(state, "called", step.pick);
      return t
        ? { type: "finish", ticketId: t.id, outcome: step.noShow ? "no_show" : "done", caller: staff }
        : null;
    }
    case "cancel": {
      const t = pick(state, "waiting", step.pick);
      return t ? { type: "cancelTicket", ticketId: t.id, caller: patient(t.accountId) } : null;
    }
    case "wait":
      return null;
  }
}

describe("reception decisions under any command sequence", () => {
  test("calls follow the timeline, no ticket is lost or doubled, one live ticket per patient, the desk share holds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 90 }),
        fc.array(stepArb, { maxLength: 80 }),
        (deskShare, steps) => {
          const state = freshDay(deskShare);
          let now = OPEN;
          let seq = 0;
          let taken = 0;
          for (const step of steps) {
            if (step.kind === "wait") now += step.minutes * 60_000;
            const command = commandFor(state, step);
            if (!command) continue;
            const duty = onDutyAt(now);
            // "Any doctor" tickets go to a doctor on duty (to anyone once nobody is); a named doctor's own always to them.
            const expectedNext =
              command.type === "callNext"
                ? waitingInOrder(contextOf(state, now)).find(
                    (t) =>
                      command.doctorId === null ||
                      t.doctorId === command.doctorId ||
                      (t.doctorId === null && (duty.length === 0 || duty.includes(command.doctorId))),
                  )
                : undefined;
            try {
              const outcome = applyQueueCommand(state, command, now, () => `t${++seq}`);
              if (command.type === "takeTicket") {
                taken++;
                expect(command.doctorId === null ? duty.length > 0 : duty.includes(command.doctorId)).toBe(
                  true,
                );
              }
              if (command.type === "callNext") expect(outcome.ticket?.id).toBe(expectedNext?.id);
            } catch (err) {
              expect(err).toBeInstanceOf(DecisionError);
              if (command.type === "callNext") expect(expectedNext).toBeUndefined();
              if (command.type === "takeTicket" && (err as DecisionError).code === "DOCTOR_OFF_DUTY") {
                expect(command.doctorId === null ? duty.length === 0 : !duty.includes(command.doctorId)).toBe(
                  true,
                );
                const next = (err as DecisionError).details.nextWork as {
                  date: string;
                  start: string;
                } | null;
                if (next) expect(Date.parse(`${next.date}T${next.start}:00Z`)).toBeGreaterThan(now);
              }
            }

            const tickets = [...state.queue.tickets.values()];
            expect(tickets).toHaveLength(taken);
            expect(tickets.map((t) => t.number).sort((a, b) => a - b)).toEqual(tickets.map((_, i) => i + 1));
            const live = tickets.filter((t) => ACTIVE.includes(t.status)).map((t) => t.patientId);
            expect(new Set(live).size).toBe(live.length);
            const appTickets = tickets.filter((t) => t.channel === "app" && t.status !== "cancelled").length;
            expect(appTickets).toBeLessThanOrEqual(
              Math.floor((dayPlaces(contextOf(state, now)) * (100 - deskShare)) / 100),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("reception and doctors' duty, case by case", () => {
  const at = (time: string) => Date.parse(`${DATE}T${time}:00Z`);
  const take = (state: DayState, now: number, doctorId: number | null, id = 1) => {
    try {
      return applyQueueCommand(
        state,
        { type: "takeTicket", patientId: id, accountId: id, channel: "app", doctorId, caller: patient(id) },
        now,
        () => `t${id}`,
      ).ticket;
    } catch (err) {
      return err as DecisionError;
    }
  };

  test("a named doctor off duty now (break, or done for the day) is refused with when they next work", () => {
    const state = freshDay(0);
    const onBreak = take(state, at("10:10"), 2) as DecisionError;
    expect([onBreak.status, onBreak.code]).toEqual([422, "DOCTOR_OFF_DUTY"]);
    expect(onBreak.details).toEqual({
      doctorId: 2,
      nextWork: { doctorId: 2, date: DATE, start: "10:30", end: "12:00" },
    });
    expect(onBreak.message).toBe("Doctor 2 is not working now; they next work 2026-12-01 10:30–12:00.");
    // Late afternoon, the hospital still open: doctor 1 works Tuesdays only, so next week.
    const evening = take(state, at("17:34"), 1) as DecisionError;
    expect(evening.code).toBe("DOCTOR_OFF_DUTY");
    expect(evening.details.nextWork).toEqual({
      doctorId: 1,
      date: "2026-12-08",
      start: "09:00",
      end: "11:00",
    });
    expect((take(state, at("10:10"), 9) as DecisionError).code).toBe("NOT_FOUND");
    expect(take(state, at("10:10"), 1)).toMatchObject({ doctorId: 1, status: "waiting" });
  });

  test("an any-doctor ticket needs someone on duty, and goes only to a doctor on duty", () => {
    const state = freshDay(0);
    const none = take(state, at("12:30"), null) as DecisionError;
    expect(none.code).toBe("DOCTOR_OFF_DUTY");
    expect(none.message).toBe("No doctor is working now; doctor 1 next works 2026-12-08 09:00–11:00.");
    const t = take(state, at("10:10"), null, 2);
    expect(t).toMatchObject({ doctorId: null });
    // Doctor 2 is on a break: their call does not take the any-doctor ticket; doctor 1's does.
    const call = (doctorId: number) =>
      applyQueueCommand(state, { type: "callNext", doctorId, caller: staff }, at("10:15"), () => "x");
    expect(() => call(2)).toThrow("Nobody is waiting");
    expect(call(1).ticket).toMatchObject({ status: "called", calledBy: 1 });
  });

  test("a call without a doctor names the lone doctor on duty", () => {
    const state = freshDay(0);
    take(state, at("11:10"), null, 3);
    const called = applyQueueCommand(
      state,
      { type: "callNext", doctorId: null, caller: staff },
      at("11:15"),
      () => "x",
    );
    expect(called.ticket?.calledBy).toBe(2);
  });
});
