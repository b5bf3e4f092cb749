import { ServiceBroker } from "moleculer";
import type { Context } from "moleculer";
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import { createTestDatabase } from "../../test/support/databases";
import type { TestDatabase } from "../../test/support/databases";
import { openDatabase, tuneDatabase } from "../../platform/db/database";
import { migrate } from "../../platform/db/migrate";
import { ClaimingRelay } from "./claiming-relay";
import { appendToOutbox } from "./outbox";
import type { OutboxMessage } from "./outbox";
import { OutboxStore } from "./outbox-store";
import { inProcessTransport } from "./relays/in-process";
import type { OutboxTransport } from "./relays/transport";

/** Two nodes on one database: each its own connection pool, broker and relay. */
describe("two relays on one database", () => {
  let db: TestDatabase;
  const pools: Sequelize[] = [];
  const brokers: ServiceBroker[] = [];
  const log: { node: string; m: OutboxMessage }[] = [];
  const inFlight = new Set<string>();
  let overlaps = 0;

  /** Counts any row handed to a transport while another relay is still publishing it. */
  const watched = (inner: OutboxTransport): OutboxTransport => ({
    async publish(messages) {
      for (const m of messages) {
        if (inFlight.has(m.eventId)) overlaps++;
        inFlight.add(m.eventId);
      }
      try {
        await new Promise((resolve) => setImmediate(resolve));
        await inner.publish(messages);
      } finally {
        for (const m of messages) inFlight.delete(m.eventId);
      }
    },
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    for (const _ of [1, 2]) {
      const sequelize = openDatabase(db.url, { poolMax: 10 });
      await tuneDatabase(sequelize);
      pools.push(sequelize);
    }
    await migrate(pools[0]);
  });
  afterAll(async () => {
    await Promise.all(brokers.map((b) => b.stop()));
    await Promise.all(pools.map((p) => p.close()));
    await db.drop();
  });

  const append = (sequelize: Sequelize, key: string, n: number) =>
    sequelize.transaction((t) =>
      appendToOutbox(sequelize, t, [
        { eventId: `${key}#${n}`, key, type: "appointment.booked", payload: { n }, createdAt: n },
      ]),
    );

  test("concurrent claims lease disjoint batches", async () => {
    for (let i = 0; i < 20; i++) {
      await pools[0].transaction((t) =>
        appendToOutbox(
          pools[0],
          t,
          Array.from({ length: 10 }, (_, k) => ({
            eventId: `claim-${i}-${k}`,
            key: `claim:${k}-${i}`,
            type: "x",
            payload: null,
            createdAt: 0,
          })),
        ),
      );
    }
    const stores = pools.map((p) => new OutboxStore(p));
    const batches = await Promise.all(
      Array.from({ length: 8 }, (_, i) => stores[i % 2].claim(`claimer-${i}`, 1_000, 60_000, 30)),
    );
    const ids = batches.flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(0);
    // Whatever each claimer read back is what the table says it holds.
    for (const [i, batch] of batches.entries()) {
      const [{ n }] = await pools[0].query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM outbox_events WHERE claimed_by = ?",
        { replacements: [`claimer-${i}`], type: QueryTypes.SELECT },
      );
      expect(Number(n)).toBe(batch.length);
    }
    await pools[0].query("DELETE FROM outbox_events WHERE event_id LIKE 'claim-%'");
  });

  test("a relay that leased rows behind another node's lease gives them back unpublished", async () => {
    const key = "stale:snapshot";
    for (let n = 1; n <= 4; n++) await append(pools[0], key, n);
    // What a claim racing another node's can end with: row 4 leased here, rows 1–3 leased there.
    await pools[0].query(
      "UPDATE outbox_events SET claimed_by = 'other', claimed_until = ? WHERE stream_key = ? AND seq < 4",
      {
        replacements: [Date.now() + 60_000, key],
      },
    );
    class RacedStore extends OutboxStore {
      override async claim(token: string, _now: number, until: number) {
        await pools[1].query(
          "UPDATE outbox_events SET claimed_by = ?, claimed_until = ? WHERE stream_key = ? AND seq = 4",
          {
            replacements: [token, until, key],
          },
        );
        const [row] = await pools[1].query<{ id: number }>(
          "SELECT id FROM outbox_events WHERE stream_key = ? AND seq = 4",
          {
            replacements: [key],
            type: QueryTypes.SELECT,
          },
        );
        return [
          {
            id: Number(row.id),
            eventId: `${key}#4`,
            key,
            seq: 4,
            type: "appointment.booked",
            payload: "{}",
            createdAt: 0,
            attempts: 0,
          },
        ];
      }
    }
    const published: OutboxMessage[] = [];
    const relay = new ClaimingRelay(
      new RacedStore(pools[1]),
      { publish: (m) => Promise.resolve(void published.push(...m)) },
      { owner: "late" },
    );
    expect(await relay.sweep()).toBe(0);
    expect(published).toEqual([]);
    const [row] = await pools[0].query<{ claimed_by: string | null }>(
      "SELECT claimed_by FROM outbox_events WHERE stream_key = ? AND seq = 4",
      { replacements: [key], type: QueryTypes.SELECT },
    );
    expect(row.claimed_by).toBeNull();
    await pools[0].query("DELETE FROM outbox_events WHERE stream_key = ?", { replacements: [key] });
  });

  test("with producers on both nodes, every row is published once, in order per key, never by both at a time", async () => {
    const relays = ["node-a", "node-b"].map((nodeID, i) => {
      const broker = new ServiceBroker({ logger: false, nodeID });
      broker.createService({
        name: "recorder",
        events: { "day.**": (ctx: Context<OutboxMessage>) => void log.push({ node: nodeID, m: ctx.params }) },
      });
      brokers.push(broker);
      const transport = watched(inProcessTransport({ broker }));
      return new ClaimingRelay(new OutboxStore(pools[i]), transport, { owner: nodeID, batchSize: 7 });
    });
    await Promise.all(brokers.map((b) => b.start()));

    const keys = Array.from({ length: 6 }, (_, k) => `${k + 10}:2026-12-01`);
    const perKey = 15;
    // Every event its own commit, alternating nodes, all at once: both relays chase the same keys.
    await Promise.all(
      keys.flatMap((key, k) =>
        Array.from({ length: perKey }, async (_, n) => {
          const i = (k + n) % 2;
          relays[i].committed(await append(pools[i], key, n));
        }),
      ),
    );
    for (let round = 0; round < 20; round++) {
      await Promise.all(relays.map((r) => r.drain()));
      const [{ n }] = await pools[0].query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM outbox_events WHERE dispatched_at IS NULL",
        { type: QueryTypes.SELECT },
      );
      if (Number(n) === 0) break;
      await Promise.all(relays.map((r) => r.sweep()));
    }

    expect(overlaps).toBe(0);
    expect(log).toHaveLength(keys.length * perKey);
    expect(new Set(log.map((e) => e.m.eventId)).size).toBe(log.length);
    for (const key of keys) {
      expect(log.filter((e) => e.m.key === key).map((e) => e.m.seq)).toEqual(
        Array.from({ length: perKey }, (_, i) => i + 1),
      );
    }
    // Both nodes did publish: the claims really were contested.
    expect(new Set(log.map((e) => e.node)).size).toBe(2);
  });
});
