import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import { createTestDatabase } from "../../test/support/databases";
import type { TestDatabase } from "../../test/support/databases";
import { openDatabase, tuneDatabase } from "../../platform/db/database";
import { migrate } from "../../platform/db/migrate";
import { appendToOutbox } from "./outbox";
import type { NewOutboxEvent, OutboxRecord } from "./outbox";

const event = (key: string, n: number, type = "appointment.booked"): NewOutboxEvent => ({
  eventId: `${key}/${n}/${Math.random().toString(36).slice(2)}`,
  key,
  type,
  payload: { n },
  createdAt: 1_000 + n,
});

describe("appendToOutbox", () => {
  let db: TestDatabase;
  let sequelize: Sequelize;

  beforeAll(async () => {
    db = await createTestDatabase();
    sequelize = openDatabase(db.url, { poolMax: 30 });
    await tuneDatabase(sequelize);
    await migrate(sequelize);
  });
  afterAll(async () => {
    await sequelize.close();
    await db.drop();
  });

  const rows = (key: string) =>
    sequelize.query<{ id: number; seq: number; event_id: string; payload: string }>(
      "SELECT id, seq, event_id, payload FROM outbox_events WHERE stream_key = ? ORDER BY id",
      { replacements: [key], type: QueryTypes.SELECT },
    );

  test("numbers each key's events 1, 2, 3 … in commit order and stores the payload as JSON", async () => {
    const first = await sequelize.transaction((t) =>
      appendToOutbox(sequelize, t, [
        event("12:2026-12-01", 1),
        event("campaign:7", 1),
        event("12:2026-12-01", 2),
      ]),
    );
    const second = await sequelize.transaction((t) =>
      appendToOutbox(sequelize, t, [event("12:2026-12-01", 3)]),
    );
    expect(first.map((r) => [r.key, r.seq])).toEqual([
      ["12:2026-12-01", 1],
      ["campaign:7", 1],
      ["12:2026-12-01", 2],
    ]);
    expect(second.map((r) => r.seq)).toEqual([3]);
    expect(first[0].payload).toBe(JSON.stringify({ n: 1 }));
    expect((await rows("12:2026-12-01")).map((r) => Number(r.seq))).toEqual([1, 2, 3]);
  });

  test("a rolled-back transaction leaves no gap in its key's numbering", async () => {
    const key = "payment:rollback";
    await sequelize.transaction((t) => appendToOutbox(sequelize, t, [event(key, 1)]));
    await expect(
      sequelize.transaction(async (t) => {
        await appendToOutbox(sequelize, t, [event(key, 2)]);
        throw new Error("producer changed its mind");
      }),
    ).rejects.toThrow("changed its mind");
    const [next] = await sequelize.transaction((t) => appendToOutbox(sequelize, t, [event(key, 3)]));
    expect(next.seq).toBe(2);
  });

  test("concurrent transactions on the same keys, first use included, get gapless, unique, commit-ordered seqs", async () => {
    const writers = 24;
    const perWriter = 3;
    // Half the writers list the keys in the opposite order: sorted locking must keep them deadlock-free.
    const results = await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        sequelize.transaction(async (t): Promise<OutboxRecord[]> => {
          const keys = w % 2 === 0 ? ["race:a", "race:b"] : ["race:b", "race:a"];
          const events = keys.flatMap((k) =>
            Array.from({ length: perWriter }, (_, i) => event(k, w * 10 + i)),
          );
          const written = await appendToOutbox(sequelize, t, events);
          // Hold the counters' locks a moment so the others really queue behind them.
          await new Promise((resolve) => setTimeout(resolve, 5));
          return written;
        }),
      ),
    );
    for (const key of ["race:a", "race:b"]) {
      const stored = await rows(key);
      expect(stored.map((r) => Number(r.seq))).toEqual(
        Array.from({ length: writers * perWriter }, (_, i) => i + 1),
      );
      // Each transaction's events of a key are consecutive.
      for (const written of results) {
        const seqs = written.filter((r) => r.key === key).map((r) => r.seq);
        expect(seqs).toEqual([seqs[0], seqs[0] + 1, seqs[0] + 2]);
      }
    }
  });
});
