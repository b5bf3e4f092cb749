import { ServiceBroker } from "moleculer";
import type { Sequelize } from "sequelize";
import { openDatabase, tuneDatabase } from "../../../platform/db/database";
import { migrate } from "../../../platform/db/migrate";
import type { KafkaConfig } from "../../../platform/config";
import { createTestDatabase } from "../../../test/support/databases";
import type { TestDatabase } from "../../../test/support/databases";
import { readTopics, testKafkaConfig } from "../../../test/support/kafka";
import type { TopicRecord } from "../../../test/support/kafka";
import { ClaimingRelay } from "../claiming-relay";
import { appendToOutbox } from "../outbox";
import { OutboxStore } from "../outbox-store";
import { kafkaTransport, topicFor } from "./kafka";
import type { KafkaEventValue } from "./kafka";

let clock = 1_800_000_000_000;
let eventNo = 0;

describe("the outbox relay on Kafka (mock cluster)", () => {
  let db: TestDatabase;
  let sequelize: Sequelize;
  let broker: ServiceBroker;
  let kafka: KafkaConfig;
  let relay: ClaimingRelay;
  /** Keys whose next publish fails before reaching Kafka. */
  const failNext = new Set<string>();

  beforeAll(async () => {
    db = await createTestDatabase();
    sequelize = openDatabase(db.url);
    await tuneDatabase(sequelize);
    await migrate(sequelize);
    kafka = testKafkaConfig();
    broker = new ServiceBroker({ logger: false, nodeID: "relay-node" });
    await broker.start();
    const transport = kafkaTransport({ broker, settings: { kafka } });
    relay = new ClaimingRelay(
      new OutboxStore(sequelize),
      {
        ...transport,
        publish(messages) {
          if (failNext.delete(messages[0].key)) return Promise.reject(new Error("broker unreachable"));
          return transport.publish(messages);
        },
      },
      { owner: "relay-node", now: () => clock, every: () => () => undefined, retryBaseMs: 1000 },
    );
    await relay.start();
  });
  afterAll(async () => {
    await relay.stop();
    await broker.stop();
    await sequelize.close();
    await db.drop();
  });

  const append = (key: string, types: string[]) =>
    sequelize.transaction((t) =>
      appendToOutbox(
        sequelize,
        t,
        types.map((type) => ({
          eventId: `e${++eventNo}`,
          key,
          type,
          payload: { id: `a${eventNo}` },
          createdAt: clock,
        })),
      ),
    );
  const valuesOf = (records: TopicRecord[], key: string, topic?: string) =>
    records
      .filter((r) => r.key === key && (topic === undefined || r.topic === topic))
      .map((r) => JSON.parse(r.value ?? "") as KafkaEventValue);

  test("topics by event type", () => {
    expect(topicFor("appointment.booked")).toBe("booking-events");
    expect(topicFor("queue.ticket.taken")).toBe("queue-events");
    expect(topicFor("coupon.issued", "run1.")).toBe("run1.coupon-events");
  });

  test("a failed publish blocks only its key; after the retry the key's rows are on the topic in order", async () => {
    const booked = ["appointment.held", "appointment.booked", "appointment.confirmed"];
    await append("1:2026-12-01", booked);
    await append("1:2026-12-01", ["queue.ticket.taken", "appointment.checked_in"]);
    await append("2:2026-12-01", booked);
    failNext.add("1:2026-12-01");

    expect(await relay.sweep()).toBe(3);
    clock += 60_000;
    expect(await relay.sweep()).toBe(5);

    const topics = [topicFor("appointment.x", kafka.topicPrefix), topicFor("queue.x", kafka.topicPrefix)];
    const records = await readTopics(kafka, topics, (r) => r.length >= 8);
    expect(records).toHaveLength(8);
    // Order holds per key within a topic (one key, one partition); topics are read independently.
    const one = valuesOf(records, "1:2026-12-01", topics[0]);
    expect(one.map((v) => [v.seq, v.type])).toEqual([
      [1, "appointment.held"],
      [2, "appointment.booked"],
      [3, "appointment.confirmed"],
      [5, "appointment.checked_in"],
    ]);
    const [first] = one;
    expect(first).toMatchObject({ type: "appointment.held", dayKey: "1:2026-12-01", seq: 1 });
    expect(first.appointmentId).toBe(first.eventId.replace("e", "a"));
    const [ticket] = valuesOf(records, "1:2026-12-01", topics[1]);
    expect(ticket).toMatchObject({ seq: 4, type: "queue.ticket.taken" });
    expect(ticket.ticketId).toBe(ticket.eventId.replace("e", "a"));
    expect(valuesOf(records, "2:2026-12-01").map((v) => v.seq)).toEqual([1, 2, 3]);
    // One key, one partition: Kafka keeps the key's order for every reader.
    const booking = records.filter((r) => r.key === "1:2026-12-01" && r.topic === topics[0]);
    expect(new Set(booking.map((r) => r.partition)).size).toBe(1);
  });
});
