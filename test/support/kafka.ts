/**
 * Kafka for integration specs: the mock cluster jest's global setup started
 * (`KAFKA_TEST_BROKERS`), with topic and group names private to one test
 * file, and a reader that collects what reached a topic.
 */
import crypto from "node:crypto";
import type { KafkaConfig } from "../../platform/config";
import { createKafka } from "../../platform/kafka";
import type { KafkaIncoming } from "../../platform/kafka";

/** Kafka settings on the run's mock cluster, with a fresh topic and group prefix. */
export function testKafkaConfig(): KafkaConfig {
  // Set by the jest global setup for this run (test wiring, not the app's configuration).
  // eslint-disable-next-line no-restricted-properties
  const brokers = process.env.KAFKA_TEST_BROKERS;
  if (!brokers) throw new Error("KAFKA_TEST_BROKERS is unset: the kafka-mock global setup did not run");
  const run = `t${process.pid}-${crypto.randomBytes(3).toString("hex")}`;
  return { brokers: brokers.split(","), clientId: run, groupPrefix: `${run}.`, topicPrefix: `${run}.` };
}

/** A received message with its topic and partition. */
export interface TopicRecord extends KafkaIncoming {
  topic: string;
  partition: number;
}

/** Reads `topics` from the start until `until(records)` holds (or `timeoutMs` passes) and returns all read. */
export async function readTopics(
  config: KafkaConfig,
  topics: string[],
  until: (records: TopicRecord[]) => boolean,
  timeoutMs = 30_000,
): Promise<TopicRecord[]> {
  const records: TopicRecord[] = [];
  const group = createKafka(config).consumerGroup({
    groupId: `${config.groupPrefix}reader-${crypto.randomBytes(3).toString("hex")}`,
    topics,
    sessionTimeoutMs: 6_000,
    heartbeatIntervalMs: 500,
    handleBatch: async (batch) => {
      records.push(...batch.messages.map((m) => ({ ...m, topic: batch.topic, partition: batch.partition })));
      return Promise.resolve();
    },
  });
  group.start();
  const deadline = Date.now() + timeoutMs;
  while (!until(records) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await group.stop();
  return records;
}
