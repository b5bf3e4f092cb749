import { spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Sequelize } from "sequelize";
import { openDatabase, tuneDatabase } from "../../../platform/db/database";
import { migrate } from "../../../platform/db/migrate";
import type { KafkaConfig } from "../../../platform/config";
import { createKafka } from "../../../platform/kafka";
import { createTestDatabase } from "../../../test/support/databases";
import type { TestDatabase } from "../../../test/support/databases";
import { appliedEvents, createEffectsTable, effectsConsumer } from "../../../test/support/effects-consumer";
import { readTopics, testKafkaConfig } from "../../../test/support/kafka";
import { deadLetterTopic, toKafkaValue, topicFor } from "../relays/kafka";
import { KafkaConsumerRunner } from "./kafka-runner";
import { waitFor } from "../../../test/support/wait-for";

const KEY = "7:2026-12-01";
const ROOT = path.resolve(__dirname, "../../..");
let eventNo = 0;

/** The consumer group joins and rebalances at the mock cluster's pace: up to 40 s. */
const eventually = (check: () => Promise<boolean>) =>
  waitFor("the consumer to apply the events", 40_000, check, 200);

describe("a consumer on Kafka (mock cluster)", () => {
  let db: TestDatabase;
  let sequelize: Sequelize;
  let kafka: KafkaConfig;
  let topic: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    sequelize = openDatabase(db.url);
    await tuneDatabase(sequelize);
    await migrate(sequelize);
    await createEffectsTable(sequelize);
    kafka = testKafkaConfig();
    topic = topicFor("appointment.booked", kafka.topicPrefix);
  });
  afterAll(async () => {
    await sequelize.close();
    await db.drop();
  });

  /** Publishes events of KEY as the relay would; returns their ids. */
  async function publish(payloads: object[]): Promise<string[]> {
    const producer = createKafka(kafka).producer();
    const messages = payloads.map((payload) => {
      const eventId = `k${++eventNo}`;
      const message = { eventId, key: KEY, dayKey: KEY, seq: eventNo, type: "appointment.booked", payload };
      return { key: KEY, value: JSON.stringify(toKafkaValue(message)) };
    });
    await producer.send(topic, messages);
    await producer.stop();
    return messages.map((m) => (JSON.parse(m.value) as { eventId: string }).eventId);
  }

  const runner = (maxAttempts: number, onBatch: (ids: string[]) => void = () => undefined) =>
    new KafkaConsumerRunner(effectsConsumer(sequelize, onBatch), {
      kafka,
      sequelize,
      maxAttempts,
      maxBatch: 10,
      retryBaseMs: 10,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
    });

  test("a consumer killed mid-batch, before committing offsets, and restarted: 0 lost, 0 applied twice", async () => {
    const ids = await publish(Array.from({ length: 50 }, (_, i) => ({ id: `a${i}` })));
    const child = spawn(
      process.execPath,
      [
        "--import",
        pathToFileURL(require.resolve("tsx")).href,
        "test/support/crashing-consumer.ts",
        db.url,
        JSON.stringify(kafka),
        "3",
      ],
      { cwd: ROOT, stdio: "inherit" },
    );
    const signal = await new Promise((resolve) => child.once("exit", (_code, sig) => resolve(sig)));
    expect(signal).toBe("SIGKILL");
    const partial = await appliedEvents(sequelize);
    // Two chunks of ten were committed to the database before the crash; their offsets were not.
    expect(partial).toHaveLength(20);

    let handled = 0;
    const restarted = runner(5, (batch) => (handled += batch.length));
    restarted.start();
    await eventually(async () => (await appliedEvents(sequelize)).length >= 50);
    await new Promise((r) => setTimeout(r, 1000));
    await restarted.stop();

    const applied = await appliedEvents(sequelize);
    expect(applied).toHaveLength(50);
    expect(new Set(applied)).toEqual(new Set(ids));
    // The redelivered first twenty were skipped before the handler, by processed_events.
    expect(handled).toBe(30);
  }, 90_000);

  test("a poison event goes to <topic>.dlq with its error after N attempts; the others flow", async () => {
    const attempts = new Map<string, number>();
    const ids = await publish([{ id: "b1" }, { id: "b2", poison: true }, { id: "b3" }]);
    const r = runner(3, (batch) => batch.forEach((id) => attempts.set(id, (attempts.get(id) ?? 0) + 1)));
    r.start();
    const letters = await readTopics(kafka, [deadLetterTopic(topic)], (recs) => recs.length >= 1);
    await eventually(async () => (await appliedEvents(sequelize)).length >= 52);
    await r.stop();

    expect(letters).toHaveLength(1);
    const letter = JSON.parse(letters[0].value ?? "") as {
      eventId: string;
      deadLetter: { consumer: string; error: string; attempts: number };
    };
    expect(letter.eventId).toBe(ids[1]);
    expect(letter.deadLetter).toMatchObject({ consumer: "effects", attempts: 3 });
    expect(letter.deadLetter.error).toContain("poisoned");
    expect(letters[0].headers.error).toContain("poisoned");
    expect(attempts.get(ids[1])).toBe(3);
    const applied = await appliedEvents(sequelize);
    expect(applied.filter((id) => id === ids[0] || id === ids[2])).toHaveLength(2);
    expect(applied).not.toContain(ids[1]);
  }, 90_000);

  test("stop() mid-batch finishes the batch and commits its offsets: nothing comes back to the next member", async () => {
    const before = (await appliedEvents(sequelize)).length;
    await publish(Array.from({ length: 30 }, (_, i) => ({ id: `s${i}` })));
    let release: () => void = () => undefined;
    const inBatch = new Promise<void>((resolve) => (release = resolve));
    const slow = runner(5, () => release());
    slow.start();
    await inBatch;
    // SIGTERM stops the service, which stops the runner: here, while a chunk is being applied.
    await slow.stop();
    expect((await appliedEvents(sequelize)).length).toBe(before + 30);

    let redelivered = 0;
    const next = runner(5, (batch) => (redelivered += batch.length));
    next.start();
    await publish([{ id: "s-last" }]);
    await eventually(async () => (await appliedEvents(sequelize)).length >= before + 31);
    await next.stop();
    expect(redelivered).toBe(1);
  }, 90_000);
});
