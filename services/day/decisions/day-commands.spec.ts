import fc from "fast-check";
import type { DayCommand } from "./day-commands";
import { dayAvailability } from "./availability";
import { applyCommand } from "./day-commands";
import { DATE, START, freshDay } from "./test-day";
import type { Caller } from "./decision";
import { DecisionError } from "./decision";
import type { DayState } from "./day-state";
import { bookedSeats, holdsSeat, isLapsed } from "./day-state";

const STARTS = ["09:00", "09:30", "10:00"];

let seq = 0;
const newId = () => `a${++seq}`;
const patientCaller = (accountId: number): Caller => ({ accountId, role: "patient", hospitalId: null });

type Step =
  | { kind: "book"; doctorId: number; start: string; patient: number; hold: boolean }
  | { kind: "cancel"; pick: number }
  | { kind: "confirm"; pick: number }
  | { kind: "expire" }
  | { kind: "wait"; seconds: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("book" as const),
    doctorId: fc.constantFrom(1, 2, 3),
    start: fc.constantFrom(...STARTS, "11:00"),
    patient: fc.integer({ min: 1, max: 6 }),
    hold: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("confirm" as const), pick: fc.nat() }),
  fc.constant({ kind: "expire" as const }),
  fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 120 }) }),
);

function commandFor(state: DayState, step: Step): DayCommand | null {
  const ids = [...state.appointments.keys()];
  switch (step.kind) {
    case "book":
      return {
        type: "book",
        doctorId: step.doctorId,
        start: step.start,
        patientId: step.patient,
        accountId: step.patient,
        ...(step.hold ? { holdSeconds: 60 } : {}),
      };
    case "cancel":
    case "confirm": {
      if (ids.length === 0) return null;
      const a = state.appointments.get(ids[step.pick % ids.length]);
      if (!a) return null;
      return step.kind === "cancel"
        ? { type: "cancel", appointmentId: a.id, caller: patientCaller(a.accountId) }
        : { type: "confirm", appointmentId: a.id };
    }
    case "expire":
      return { type: "expire" };
    case "wait":
      return null;
  }
}

function assertInvariants(state: DayState, now: number): void {
  const livePerPatientDoctor = new Map<string, number>();
  for (const [doctorId, byStart] of state.slots) {
    for (const slot of byStart.values()) {
      expect(bookedSeats(state, slot, now)).toBeLessThanOrEqual(slot.capacity);
      for (const id of slot.seats) {
        if (id === null) continue;
        const a = state.appointments.get(id);
        expect(a && holdsSeat(a) && a.doctorId === doctorId && a.start === slot.start).toBe(true);
      }
    }
  }
  for (const a of state.appointments.values()) {
    if (!holdsSeat(a) || isLapsed(a, now)) continue;
    const key = `${a.patientId}:${a.doctorId}`;
    livePerPatientDoctor.set(key, (livePerPatientDoctor.get(key) ?? 0) + 1);
  }
  for (const count of livePerPatientDoctor.values()) expect(count).toBe(1);
}

/** Every slot says what it is: open ⇔ seats left and not started; past ⇔ started; nothing bookable is hidden. */
function assertStatuses(state: DayState, now: number): void {
  const started = (start: string) => now >= Date.parse(`${DATE}T${start}:00Z`);
  for (const doctor of dayAvailability(state, now)) {
    expect(doctor.sessions.length).toBeGreaterThan(0);
    for (const slot of doctor.slots) {
      expect(slot.booked).toBeLessThanOrEqual(slot.capacity);
      const expected = started(slot.start) ? "past" : slot.booked >= slot.capacity ? "full" : "open";
      expect(slot.status).toBe(expected);
      expect(slot.available).toBe(expected === "open" ? slot.capacity - slot.booked : 0);
    }
  }
}

/** A SLOT_CLOSED refusal names an open slot of the doctor's (or none is left this day and after). */
function assertNamesNextOpen(state: DayState, err: unknown, now: number, doctorId: number): void {
  const { nextOpen, sessions } = (err as DecisionError).details as {
    nextOpen: { date: string; start: string } | null;
    sessions: unknown[];
  };
  expect(Array.isArray(sessions)).toBe(true);
  if (nextOpen === null || nextOpen.date !== DATE) return;
  const slots = dayAvailability(state, now, doctorId).flatMap((d) => d.slots);
  expect(slots.some((s) => s.start === nextOpen.start && s.status === "open")).toBe(true);
}

const slotOf = (state: DayState, id: string) => {
  const a = state.appointments.get(id);
  return a ? state.slots.get(a.doctorId)?.get(a.start) : undefined;
};

describe("day decisions under any command sequence", () => {
  test("booked ≤ capacity, one live seat per patient and doctor, cancel frees exactly one seat, expiry frees holds", () => {
    fc.assert(
      // Starting anywhere from the day before to late in the day, so slots start, pass and close.
      fc.property(
        fc.integer({ min: 0, max: 36 * 60 }),
        fc.array(stepArb, { maxLength: 60 }),
        (offset, steps) => {
          const state = freshDay();
          let now = START + offset * 60_000;
          for (const step of steps) {
            if (step.kind === "wait") now += step.seconds * 1000;
            const command = commandFor(state, step);
            if (!command) continue;
            const target = command.type === "cancel" ? slotOf(state, command.appointmentId) : undefined;
            const before = target ? bookedSeats(state, target, now) : 0;
            let refused: unknown = null;
            try {
              applyCommand(state, command, now, newId);
            } catch (err) {
              refused = err;
            }
            if (refused) {
              expect(refused).toBeInstanceOf(DecisionError);
              if (command.type === "book" && (refused as DecisionError).code === "SLOT_CLOSED")
                assertNamesNextOpen(state, refused, now, command.doctorId);
              if (target) expect(bookedSeats(state, target, now)).toBe(before);
            } else if (command.type === "cancel" && target) {
              expect(bookedSeats(state, target, now)).toBe(before - 1);
            } else if (command.type === "expire") {
              for (const a of state.appointments.values())
                expect(holdsSeat(a) && isLapsed(a, now)).toBe(false);
            }
            assertInvariants(state, now);
            assertStatuses(state, now);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("day decisions, case by case", () => {
  const at = (iso: string) => Date.parse(iso);
  const book = (
    state: DayState,
    patient: number,
    start = "09:00",
    doctorId = 2,
    now = START,
    hold?: number,
  ) =>
    applyCommand(
      state,
      {
        type: "book",
        doctorId,
        start,
        patientId: patient,
        accountId: patient,
        ...(hold ? { holdSeconds: hold } : {}),
      },
      now,
      newId,
    );
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as DecisionError).code;
    }
    return "accepted";
  };

  test("a full slot refuses; the same patient cannot take a second seat with the doctor that day", () => {
    const state = freshDay();
    expect(book(state, 1).events[0].type).toBe("appointment.booked");
    expect(refusal(() => book(state, 2))).toBe("SLOT_FULL");
    expect(refusal(() => book(state, 1, "09:30"))).toBe("ALREADY_BOOKED");
    expect(refusal(() => book(state, 1, "09:30", 1))).toBe("accepted");
  });

  test("closed slots: started, beyond the horizon, not in the schedule, unknown doctor", () => {
    const state = freshDay();
    expect(refusal(() => book(state, 1, "09:00", 2, at("2026-12-01T09:00:00Z")))).toBe("SLOT_CLOSED");
    expect(refusal(() => book(state, 1, "09:00", 2, at("2026-10-01T00:00:00Z")))).toBe("SLOT_CLOSED");
    expect(refusal(() => book(state, 1, "09:15"))).toBe("SLOT_CLOSED");
    expect(refusal(() => book(state, 1, "09:00", 9))).toBe("NOT_FOUND");
  });

  test("a hold lapses: its seat is free for the next patient, and confirm is refused", () => {
    const state = freshDay();
    const held = book(state, 1, "09:00", 2, START, 60).appointment!;
    expect(held.status).toBe("pending");
    const later = START + 61_000;
    expect(
      refusal(() => applyCommand(state, { type: "confirm", appointmentId: held.id }, later, newId)),
    ).toBe("HOLD_EXPIRED");
    const next = book(state, 2, "09:00", 2, later);
    expect(next.events.map((e) => e.type)).toEqual(["appointment.expired", "appointment.booked"]);
    expect(next.appointment!.seat).toBe(1);
  });

  test("a confirmed hold stays; cancel by a stranger is forbidden, by staff of the hospital allowed, not after the start", () => {
    const state = freshDay();
    const held = book(state, 1, "09:00", 2, START, 60).appointment!;
    applyCommand(state, { type: "confirm", appointmentId: held.id }, START + 1000, newId);
    expect(state.appointments.get(held.id)!.status).toBe("booked");
    const cancel = (caller: Caller, now = START) =>
      refusal(() => applyCommand(state, { type: "cancel", appointmentId: held.id, caller }, now, newId));
    expect(cancel(patientCaller(99))).toBe("FORBIDDEN");
    expect(cancel({ accountId: 5, role: "staff", hospitalId: 8 })).toBe("FORBIDDEN");
    expect(cancel(patientCaller(1), at("2026-12-01T09:00:00Z"))).toBe("NOT_CANCELLABLE");
    expect(cancel({ accountId: 5, role: "staff", hospitalId: 7 })).toBe("accepted");
    expect(cancel(patientCaller(1))).toBe("NOT_CANCELLABLE");
  });

  test("check-in only by the hospital's staff and only on the day", () => {
    const state = freshDay();
    const a = book(state, 1).appointment!;
    const staff: Caller = { accountId: 5, role: "staff", hospitalId: 7 };
    const checkIn = (caller: Caller, now: number) =>
      refusal(() => applyCommand(state, { type: "checkIn", appointmentId: a.id, caller }, now, newId));
    expect(checkIn(patientCaller(1), at("2026-12-01T08:00:00Z"))).toBe("FORBIDDEN");
    expect(checkIn(staff, START)).toBe("NOT_CHECKABLE");
    expect(checkIn(staff, at("2026-12-01T08:50:00Z"))).toBe("accepted");
    expect(state.appointments.get(a.id)!.status).toBe("checked_in");
  });
});
