import fc from "fast-check";
import type { Arrival, Limits, Line, Load, Ticket } from "./admission-rules";
import {
  arrive,
  capacityWithin,
  drainMs,
  emptyLine,
  lineOf,
  look,
  passesOn,
  release,
  room,
} from "./admission-rules";

const limits: Limits = {
  deadlineMs: 1000,
  admittedWindowMs: 30_000,
  waitingTtlMs: 60_000,
  ticketsPerAccount: 2,
};
const DAY = "1:2030-01-07";
/** 10 ms a command, no fixed cost: room for 100 within the 1 s deadline. */
const at = (depth: number, perCommandMs = 10): Load => ({ depth, fixedMs: 0, perCommandMs, maxBatch: 1000 });
const calm = at(0);
const swamped = at(500);

let ids = 0;
const arrival = (accountId: number, over: Partial<Arrival> = {}): Arrival => ({
  accountId,
  patientId: accountId * 10,
  ticketId: null,
  now: 1_000_000,
  newTicketId: () => `t${++ids}`,
  ...over,
});

function enter(line: Line, a: Arrival, load: Load, known: Ticket | null = null) {
  return arrive(line, a, known, load, limits);
}

describe("admission rules", () => {
  test("low mode: with room and nobody waiting, a booking passes and no ticket exists", () => {
    const { line, verdict } = enter(emptyLine(DAY), arrival(1), calm);
    expect(verdict).toEqual({ kind: "pass", used: null });
    expect(line.size).toBe(0);
  });

  test("passes within the last deadline count against the room, and stop counting after it", () => {
    let line = emptyLine(DAY);
    const passed: string[] = [];
    for (let i = 1; i <= 120; i++) {
      const r = enter(line, arrival(i), calm);
      line = r.line;
      passed.push(r.verdict.kind);
    }
    expect(passed.filter((k) => k === "pass")).toHaveLength(100);
    expect(passed.slice(100).every((k) => k === "wait")).toBe(true);
    // Two deadlines on, with nobody waiting any more (their tickets lapsed), the room is whole again.
    const later = 1_000_000 + 2 * limits.deadlineMs;
    const calmLine = emptyLine(DAY);
    calmLine.recentPasses = line.recentPasses;
    expect(room(calmLine, calm, limits, later)).toBe(100);
    expect(room(calmLine, calm, limits, 1_000_000 + 1.5 * limits.deadlineMs)).toBe(50);
  });

  test("high mode: tickets in arrival order, one per patient, positions counted from 1", () => {
    let line = emptyLine(DAY);
    const first = enter(line, arrival(1), swamped);
    line = first.line;
    const second = enter(line, arrival(2), swamped);
    line = second.line;
    const again = enter(line, arrival(1), swamped);
    expect(first.verdict).toMatchObject({ kind: "wait", position: 1 });
    expect(second.verdict).toMatchObject({ kind: "wait", position: 2 });
    // The same patient asking again keeps their place and their ticket.
    expect(again.verdict).toMatchObject({ kind: "wait", position: 1 });
    expect(again.line.size).toBe(2);
  });

  test("once there is room, tickets are admitted first come first served, and newcomers queue behind", () => {
    let line = emptyLine(DAY);
    for (let i = 1; i <= 5; i++) line = enter(line, arrival(i), swamped).line;
    // Room for exactly 2 more: 100/s × 1 s − 98 waiting.
    const released = release(line, at(98), limits, 1_000_100);
    expect(released.map((t) => t.accountId)).toEqual([1, 2]);
    // Room for one more: the third ticket goes in, and a newcomer queues behind the two still waiting.
    const newcomer = enter(line, arrival(9, { now: 1_000_200 }), at(97));
    expect(newcomer.verdict).toMatchObject({ kind: "wait", position: 3 });
    expect([...line.admitted()].map((t) => t.accountId)).toEqual([1, 2, 3]);
  });

  test("an admitted ticket skips the line, only for its holder, and only within the window", () => {
    let line = emptyLine(DAY);
    for (let i = 1; i <= 3; i++) line = enter(line, arrival(i), swamped).line;
    const ticket = [...line.tickets()][0];
    release(line, at(99), limits, 1_000_050);

    const stolen = enter(line, arrival(2, { ticketId: ticket.id, now: 1_000_100 }), swamped);
    expect(stolen.verdict).toMatchObject({ kind: "refused", code: "ADMISSION_NOT_YOURS" });

    const used = enter(line, arrival(1, { ticketId: ticket.id, now: 1_000_100 }), swamped);
    expect(used.verdict).toMatchObject({ kind: "pass" });

    const late = enter(line, arrival(1, { ticketId: ticket.id, now: 1_000_050 + 30_000 }), swamped);
    expect(late.verdict).toMatchObject({ kind: "refused", code: "ADMISSION_EXPIRED" });
  });

  test("a waiting ticket nobody asks about expires; asking keeps it", () => {
    const line = enter(emptyLine(DAY), arrival(1), swamped).line;
    const id = [...line.tickets()][0].id;
    expect(look(line, id, null, swamped, limits, 1_000_000 + 59_000).ticket?.state).toBe("waiting");
    expect(look(line, id, null, swamped, limits, 1_000_000 + 59_000 + 59_000).ticket?.state).toBe("waiting");
    const gone = look(line, id, null, swamped, limits, 1_000_000 + 118_000 + 60_000);
    expect(gone.ticket?.state).toBe("expired");
    expect(gone.line.size).toBe(0);
  });

  test("another user's ticket stored elsewhere is refused, an unknown one is harmless in low mode", () => {
    const foreign: Ticket = {
      id: "x",
      dayKey: DAY,
      accountId: 7,
      patientId: 70,
      seq: 1,
      state: "expired",
      issuedAt: 0,
      seenAt: 0,
      admittedAt: 0,
      usedAt: null,
    };
    expect(enter(emptyLine(DAY), arrival(1, { ticketId: "x" }), calm, foreign).verdict.kind).toBe("refused");
    expect(enter(emptyLine(DAY), arrival(1, { ticketId: "nope" }), calm).verdict.kind).toBe("pass");
  });

  test("a booking for a slot that takes no bookings passes, even in high mode, and takes no place", () => {
    let line = emptyLine(DAY);
    line = enter(line, arrival(1), swamped).line;
    const roomBefore = room(line, swamped, limits, 1_000_000);
    const full = enter(line, arrival(2, { slotFull: true }), swamped);
    expect(full.verdict).toEqual({ kind: "pass", used: null });
    expect(full.line.size).toBe(1);
    expect(room(full.line, swamped, limits, 1_000_000)).toBe(roomBefore);
  });

  test("a ticket whose slot fills while it waits is admitted on its next look, taking no room", () => {
    let line = emptyLine(DAY);
    for (let i = 1; i <= 3; i++)
      line = enter(line, arrival(i, { slot: { doctorId: 5, start: `09:0${i}` } }), swamped).line;
    const third = [...line.tickets()][2];
    expect(third.slot).toEqual({ doctorId: 5, start: "09:03" });
    const roomBefore = room(line, swamped, limits, 1_000_100);
    const seen = look(line, third.id, null, swamped, limits, 1_000_100, true);
    expect(seen.ticket).toMatchObject({ state: "admitted", slotFull: true });
    expect(seen.retryAfterMs).toBe(0);
    expect(room(seen.line, swamped, limits, 1_000_100)).toBe(roomBefore);
    // Its holder books with it and passes (to the actor's refusal); the two ahead still wait.
    const booked = enter(seen.line, arrival(3, { ticketId: third.id, now: 1_000_200 }), swamped);
    expect(booked.verdict).toMatchObject({ kind: "pass" });
    expect(booked.line.waiting).toBe(2);
  });

  test("a waiting holder booking again for a slot now full passes to its refusal, taking no room", () => {
    let line = emptyLine(DAY);
    for (let i = 1; i <= 2; i++) line = enter(line, arrival(i), swamped).line;
    const roomBefore = room(line, swamped, limits, 1_000_100);
    const again = enter(line, arrival(2, { slotFull: true, now: 1_000_100 }), swamped);
    expect(again.verdict).toMatchObject({ kind: "pass", used: { slotFull: true } });
    expect(room(again.line, swamped, limits, 1_000_100)).toBe(roomBefore);
    // With an expired ticket's header it passes too: the answer is a refusal either way.
    const stale = enter(line, arrival(9, { ticketId: "gone", slotFull: true }), swamped);
    expect(stale.verdict).toEqual({ kind: "pass", used: null });
  });

  test("a guardian holds one place per child, up to the account's limit; the next child is refused, the line unchanged", () => {
    let line = emptyLine(DAY);
    for (const child of [71, 72]) line = enter(line, arrival(7, { patientId: child }), swamped).line;
    const third = enter(line, arrival(7, { patientId: 73 }), swamped);
    expect(third.verdict).toEqual({ kind: "refused", code: "ADMISSION_LIMIT", status: 429 });
    expect(third.line.size).toBe(2);
    // Asking again for a child already in line keeps that place.
    expect(enter(third.line, arrival(7, { patientId: 72 }), swamped).verdict.kind).toBe("wait");
  });

  test("a line rebuilt from stored tickets keeps their order and goes on numbering", () => {
    let line = emptyLine(DAY);
    for (let i = 1; i <= 3; i++) line = enter(line, arrival(i), swamped).line;
    const rebuilt = lineOf(DAY, [...line.tickets()].reverse());
    expect([...rebuilt.tickets()].map((t) => t.accountId)).toEqual([1, 2, 3]);
    expect(rebuilt.nextSeq).toBe(4);
  });

  test("property: whenever passesOn says a booking passes on a load, arriving on that load passes", () => {
    const step = fc.record({
      patient: fc.integer({ min: 1, max: 30 }),
      depth: fc.integer({ min: 0, max: 150 }),
      dt: fc.integer({ min: 0, max: 1500 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 80 }), (steps) => {
        const line = emptyLine(DAY);
        let now = 1_000_000;
        for (const s of steps) {
          now += s.dt;
          const load = at(s.depth);
          const quick = passesOn(line, load, limits, now);
          const { verdict } = enter(line, arrival(s.patient, { patientId: s.patient, now }), load);
          if (quick) expect(verdict).toEqual({ kind: "pass", used: null });
        }
      }),
      { numRuns: 300 },
    );
  });

  test("once the crowd ahead covers every seat left, newcomers pass to their quick refusal instead of waiting", () => {
    // 150 ms a commit, one command a turn: 100 commits would take 15 s, far past the 1 s deadline.
    const slow: Load = { depth: 180, fixedMs: 150, perCommandMs: 0, maxBatch: 1, refusalMs: 0.05 };
    expect(enter(emptyLine(DAY), arrival(1), slow).verdict.kind).toBe("wait");
    // Two seats left: two commits (300 ms), then refusals at 0.05 ms fit the deadline.
    const soldOut = { ...slow, seatsLeft: 2 };
    expect(enter(emptyLine(DAY), arrival(1), soldOut).verdict).toEqual({ kind: "pass", used: null });
    // But never beyond the mailbox's bound: there the crowd waits in line.
    expect(enter(emptyLine(DAY), arrival(1), { ...soldOut, maxDepth: 180 }).verdict.kind).toBe("wait");
    expect(enter(emptyLine(DAY), arrival(1), { ...soldOut, maxDepth: 181 }).verdict.kind).toBe("pass");
  });

  test("bookings let through and answered long ago do not count against the mailbox's bound", () => {
    const line = emptyLine(DAY);
    // 10,000 passes within the last deadline, every one answered: the mailbox is empty.
    line.recentPasses = { windowStart: 1_000_000, count: 10_000, previous: 0 };
    const fast: Load = {
      depth: 0,
      fixedMs: 5,
      perCommandMs: 0.01,
      maxBatch: 500,
      refusalMs: 0.01,
      seatsLeft: 0,
    };
    const { verdict } = enter(line, arrival(1), { ...fast, maxDepth: 5000 });
    expect(verdict).toEqual({ kind: "pass", used: null });
  });

  test("property: what the room lets in drains within the deadline, and one more would not (short of the mailbox's bound)", () => {
    fc.assert(
      fc.property(
        fc.record({
          depth: fc.integer({ min: 0, max: 2000 }),
          fixedMs: fc.double({ min: 0, max: 200, noNaN: true }),
          perCommandMs: fc.double({ min: 0.01, max: 20, noNaN: true }),
          maxBatch: fc.integer({ min: 1, max: 1000 }),
          refusalMs: fc.double({ min: 0, max: 1, noNaN: true }),
          seatsLeft: fc.integer({ min: 0, max: 500 }),
          maxDepth: fc.integer({ min: 10, max: 100_000 }),
        }),
        (load) => {
          const r = room(emptyLine(DAY), load, limits, 1_000_000);
          if (r > 0) expect(drainMs(load, load.depth + r)).toBeLessThanOrEqual(limits.deadlineMs + 1e-6);
          if (load.depth + r < load.maxDepth)
            expect(drainMs(load, load.depth + Math.max(r, 0) + 1)).toBeGreaterThan(limits.deadlineMs - 1e-6);
        },
      ),
    );
  });

  test("property: the capacity within a deadline is the most commands that drain within it", () => {
    fc.assert(
      fc.property(
        fc.record({
          fixedMs: fc.double({ min: 0, max: 50, noNaN: true }),
          perCommandMs: fc.double({ min: 0.01, max: 20, noNaN: true }),
          maxBatch: fc.integer({ min: 1, max: 1000 }),
          refusalMs: fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: undefined }),
          seatsLeft: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: undefined }),
        }),
        fc.integer({ min: 0, max: 20_000 }),
        (cost, ms) => {
          const load = { depth: 0, ...cost };
          const n = capacityWithin(load, ms);
          expect(drainMs(load, n)).toBeLessThanOrEqual(ms + 1e-6);
          expect(drainMs(load, n + 1)).toBeGreaterThan(ms - 1e-6);
        },
      ),
    );
  });

  test("property: admission follows arrival order, one live ticket per patient, a few per account, the room is never overdrawn", () => {
    const step = fc.record({
      patient: fc.integer({ min: 1, max: 30 }),
      depth: fc.integer({ min: 0, max: 150 }),
      pace: fc.integer({ min: 10, max: 200 }),
      dt: fc.integer({ min: 0, max: 2000 }),
      useTicket: fc.boolean(),
      slotFull: fc.boolean(),
      // Instead of booking, the patient asks about their ticket (if they hold one).
      looks: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 120 }), (steps) => {
        let line = emptyLine(DAY);
        let now = 1_000_000;
        const admittedOrder: number[] = [];
        for (const s of steps) {
          now += s.dt;
          const load = at(s.depth, 1000 / s.pace);
          const held = [...line.tickets()].find((t) => t.patientId === s.patient);
          if (s.looks && held) {
            const seen = look(line, held.id, null, load, limits, now, s.slotFull);
            // Newly admitted only: the ticket asked about is among the changed ones however it stands.
            for (const t of seen.changed)
              if (
                t.state === "admitted" &&
                t.admittedAt === now &&
                !t.slotFull &&
                !admittedOrder.includes(t.seq)
              )
                admittedOrder.push(t.seq);
            line = seen.line;
            continue;
          }
          const r = arrive(
            line,
            {
              // Guardians of three children each.
              accountId: Math.ceil(s.patient / 3),
              patientId: s.patient,
              ticketId: s.useTicket && held ? held.id : null,
              now,
              newTicketId: () => `p${now}-${s.patient}`,
              slotFull: s.slotFull,
            },
            null,
            load,
            limits,
          );
          // Arrival order binds tickets for open slots; one whose slot filled leaves the line early.
          for (const t of r.changed)
            if (t.state === "admitted" && t.usedAt === null && !t.slotFull) admittedOrder.push(t.seq);
          // A newcomer passing straight through never overtakes someone waiting (for a seat it could get).
          if (r.verdict.kind === "pass" && r.verdict.used === null && !s.slotFull)
            expect(r.line.waiting).toBe(0);
          line = r.line;
          const tickets = [...line.tickets()];
          const patients = tickets.map((t) => t.patientId);
          expect(new Set(patients).size).toBe(patients.length);
          expect(tickets.filter((t) => t.state === "waiting")).toHaveLength(line.waiting);
          for (const t of tickets) {
            const ofAccount = tickets.filter((u) => u.accountId === t.accountId).length;
            expect(ofAccount).toBeLessThanOrEqual(limits.ticketsPerAccount);
            expect(line.ticketsOf(t.accountId)).toBe(ofAccount);
            // The indexed place is the plain count of waiting tickets ahead.
            const ahead = tickets.filter((u) => u.state === "waiting" && u.seq < t.seq).length;
            expect(line.placeOf(t)).toBe(t.state === "waiting" ? ahead + 1 : 0);
          }
          // Admitting never makes room negative; only load the line cannot control may.
          if (r.changed.some((t) => t.state === "admitted" && t.admittedAt === now && t.usedAt === null))
            expect(room(line, load, limits, now)).toBeGreaterThanOrEqual(0);
        }
        expect(admittedOrder).toEqual([...admittedOrder].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});
