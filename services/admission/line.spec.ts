import fc from "fast-check";
import { Line } from "./line";
import type { Ticket } from "./ticket";

const ticket = (seq: number, patientId: number, accountId: number): Ticket => ({
  id: `t${seq}`,
  dayKey: "1:2030-01-07",
  accountId,
  patientId,
  seq,
  state: "waiting",
  issuedAt: 0,
  seenAt: 0,
  admittedAt: null,
  usedAt: null,
});

describe("a line's indexes", () => {
  test("property: places, counts and lookups agree with walking the tickets", () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant("add" as const),
        patient: fc.integer({ min: 1, max: 400 }),
        gap: fc.nat(40),
      }),
      fc.record({ kind: fc.constant("admit" as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant("remove" as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const line = new Line("1:2030-01-07");
        let seq = 0;
        for (const o of ops) {
          const live = [...line.tickets()];
          if (o.kind === "add") {
            if (line.heldBy(o.patient)) continue;
            // Arrival numbers grow with gaps (a rebuilt line, expired tickets), past the tree's size.
            seq += 1 + o.gap;
            line.add(ticket(seq, o.patient, Math.ceil(o.patient / 3)));
          } else if (live.length > 0) {
            const t = live[o.pick % live.length];
            if (o.kind === "admit") line.put({ ...t, state: "admitted", admittedAt: 1 });
            else line.remove(t.id);
          }
        }
        const tickets = [...line.tickets()];
        expect(tickets.map((t) => t.seq)).toEqual([...tickets.map((t) => t.seq)].sort((a, b) => a - b));
        expect(line.size).toBe(tickets.length);
        expect(line.waiting).toBe(tickets.filter((t) => t.state === "waiting").length);
        expect([...line.admitted()].map((t) => t.id).sort()).toEqual(
          tickets
            .filter((t) => t.state === "admitted")
            .map((t) => t.id)
            .sort(),
        );
        for (const t of tickets) {
          const ahead = tickets.filter((u) => u.state === "waiting" && u.seq < t.seq).length;
          expect(line.placeOf(t)).toBe(t.state === "waiting" ? ahead + 1 : 0);
          expect(line.heldBy(t.patientId)?.id).toBe(t.id);
          expect(line.ticketsOf(t.accountId)).toBe(tickets.filter((u) => u.accountId === t.accountId).length);
        }
      }),
      { numRuns: 200 },
    );
  });
});
