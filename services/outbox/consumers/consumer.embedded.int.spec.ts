import { ServiceBroker } from "moleculer";
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import { openDatabase, tuneDatabase } from "../../../platform/db/database";
import { migrate } from "../../../platform/db/migrate";
import { createTestDatabase } from "../../../test/support/databases";
import type { TestDatabase } from "../../../test/support/databases";
import { appliedEvents, createEffectsTable, effectsConsumer } from "../../../test/support/effects-consumer";
import { appendToOutbox, toMessage } from "../outbox";
import type { OutboxRecord } from "../outbox";
import { resolveRelay } from "../relays";
import type { OutboxRelay } from "../relays";
import { consumerMixin } from "./consumer.mixin";
import { ConsumerProcessor, tableDeadLetters } from "./processor";

const KEY = "3:2026-12-01";
const clock = 1_800_000_000_000;
let eventNo = 0;

describe("a consumer in embedded mode (fed by the in-process relay)", () => {
  let db: TestDatabase;
  let sequelize: Sequelize;
  let broker: ServiceBroker;
  let relay: OutboxRelay;
  const attempts = new Map<string, number>();

  beforeAll(async () => {
    db = await createTestDatabase();
    sequelize = openDatabase(db.url);
    await tuneDatabase(sequelize);
    await migrate(sequelize);
    await createEffectsTable(sequelize);
    broker = new ServiceBroker({ logger: false, nodeID: "embedded" });
    const consumer = effectsConsumer(sequelize, (ids) =>
      ids.forEach((id) => attempts.set(id, (attempts.get(id) ?? 0) + 1)),
    );
    const host = { sequelize, config: { kafka: null, consumers: { maxAttempts: 3 } } };
    broker.createService({ name: "effects", mixins: [consumerMixin(consumer, host, { retryBaseMs: 5 })] });
    relay = resolveRelay(
      { transport: "in-process" },
      { broker, sequelize, now: () => clock, every: () => () => undefined },
    );
    await broker.start();
    await relay.start();
  });
  afterAll(async () => {
    await relay.stop();
    await broker.stop();
    await sequelize.close();
    await db.drop();
  });

  const append = (payloads: object[], type = "appointment.booked"): Promise<OutboxRecord[]> =>
    sequelize.transaction((t) =>
      appendToOutbox(
        sequelize,
        t,
        payloads.map((payload) => ({ eventId: `m${++eventNo}`, key: KEY, type, payload, createdAt: clock })),
      ),
    );

  test("committed events are applied once, in order; a redelivery changes nothing; other types are ignored", async () => {
    const records = await append([{ id: "a1" }, { id: "a2" }, { id: "a3" }]);
    await append([{ id: "t1" }], "queue.ticket.taken");
    expect(await relay.sweep()).toBe(4);
    expect(await appliedEvents(sequelize)).toEqual(records.map((r) => r.eventId));

    // The relay is at least once: the same message again is skipped by processed_events.
    await broker.emit("day.appointment.booked", toMessage(records[1]), { throwError: true });
    expect(await appliedEvents(sequelize)).toEqual(records.map((r) => r.eventId));
  });

  test("events that do not concern the consumer are skipped without a processed_events row", async () => {
    const [aside, kept] = await append([{ id: "x1", aside: true }, { id: "a5" }]);
    expect(await relay.sweep()).toBe(2);
    const applied = await appliedEvents(sequelize);
    expect(applied).toContain(kept.eventId);
    expect(applied).not.toContain(aside.eventId);
    const marked = await sequelize.query<{ event_id: string }>(
      "SELECT event_id FROM processed_events WHERE event_id IN (?)",
      { replacements: [[aside.eventId, kept.eventId]], type: QueryTypes.SELECT },
    );
    expect(marked.map((r) => r.event_id)).toEqual([kept.eventId]);
  });

  test("a poison event is dead-lettered with its error after N attempts and does not block its key", async () => {
    const [poison, after] = await append([{ id: "p1", poison: true }, { id: "a4" }]);
    expect(await relay.sweep()).toBe(2);
    expect(attempts.get(poison.eventId)).toBe(3);
    expect(await appliedEvents(sequelize)).toContain(after.eventId);
    const letters = await sequelize.query<{
      consumer: string;
      event_id: string;
      error: string;
      attempts: number;
    }>("SELECT consumer, event_id, error, attempts FROM dead_letters", { type: QueryTypes.SELECT });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ consumer: "effects", event_id: poison.eventId, attempts: 3 });
    expect(letters[0].error).toContain("poisoned");

    // Delivered again (a crash before the relay marked it dispatched): no second dead letter, no retries.
    await broker.emit("day.appointment.booked", toMessage(poison), { throwError: true });
    expect(attempts.get(poison.eventId)).toBe(3);
  });

  test("a delivery cut short mid-batch and delivered again: 0 lost, 0 applied twice", async () => {
    const records = await append(Array.from({ length: 10 }, (_, i) => ({ id: `c${i}` })));
    const events = records.map(toMessage);
    const crash = new Error("process died");
    let calls = 0;
    const dying = effectsConsumer(sequelize, () => {
      // The third chunk never commits, and nothing after it runs: as if the node died there.
      if (++calls === 3) throw crash;
    });
    const dead = () => Promise.reject(crash);
    const first = new ConsumerProcessor(dying, sequelize, dead, { maxAttempts: 1, maxBatch: 3 });
    await expect(first.process(events)).rejects.toBe(crash);
    const before = await appliedEvents(sequelize);
    expect(before.filter((id) => records.some((r) => r.eventId === id))).toHaveLength(6);

    const again = new ConsumerProcessor(effectsConsumer(sequelize), sequelize, tableDeadLetters(sequelize), {
      maxAttempts: 1,
      maxBatch: 3,
    });
    await again.process(events);
    const mine = (await appliedEvents(sequelize)).filter((id) => records.some((r) => r.eventId === id));
    expect(mine).toEqual(records.map((r) => r.eventId));
  });
});
