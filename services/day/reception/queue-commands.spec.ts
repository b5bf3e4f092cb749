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
const doctors: DoctorCalendar[] = [1, 2].map((id) => ({
  id,
  leaveDays: [],
  sessions: [{ weekday: 2, start: "09:00", end: "11:00", slotMinutes: 30, capacity: 1 }],
}));
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
            const expectedNext =
              command.type === "callNext"
                ? waitingInOrder(contextOf(state, now)).find(
                    (t) =>
                      command.doctorId === null || t.doctorId === null || t.doctorId === command.doctorId,
                  )
                : undefined;
            try {
              const outcome = applyQueueCommand(state, command, now, () => `t${++seq}`);
              if (command.type === "takeTicket") taken++;
              if (command.type === "callNext") expect(outcome.ticket?.id).toBe(expectedNext?.id);
            } catch (err) {
              expect(err).toBeInstanceOf(DecisionError);
              if (command.type === "callNext") expect(expectedNext).toBeUndefined();
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
