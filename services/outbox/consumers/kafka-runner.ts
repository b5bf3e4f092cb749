/**
 * A consumer on Kafka: one consumer group per consumer name, subscribed to
 * the topics its event types are published to, fed batch by batch. Offsets
 * are committed only after the batch is applied, so a crash means
 * redelivery, which `processed_events` turns into a no-op.
 */
import { createKafka } from "../../../platform/kafka";
import type { KafkaBatch, KafkaConsumerGroup, KafkaLogger, KafkaProducer } from "../../../platform/kafka";
import type { KafkaConfig } from "../../../platform/config";
import type { Sequelize } from "sequelize";
import { deadLetterTopic, fromKafkaValue, toKafkaValue, topicFor } from "../relays/kafka";
import { errorText } from "../relays/transport";
import type { ConsumedEvent, Consumer } from "./consumer";
import { ConsumerProcessor } from "./processor";
import type { DeadLetterSink, ProcessorOptions } from "./processor";

/** What a Kafka consumer runs on. */
export interface KafkaRunnerOptions extends ProcessorOptions {
  kafka: KafkaConfig;
  sequelize: Sequelize;
  logger?: KafkaLogger;
  /** How soon a silent (crashed) member's partitions move to another. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Told, after each batch, how many messages of the partition are still behind it. */
  onLag?(topic: string, partition: number, lag: number): void;
}

/** The topics a consumer's event types are published to. */
export function topicsOf(consumer: Consumer, prefix: string): string[] {
  return [...new Set(consumer.eventTypes.map((t) => topicFor(t, prefix)))];
}

/** Runs one consumer as a Kafka consumer group; dead letters go to `<topic>.dlq`. */
export class KafkaConsumerRunner {
  private readonly group: KafkaConsumerGroup;
  private readonly producer: KafkaProducer;
  private readonly processor: ConsumerProcessor;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: KafkaRunnerOptions,
  ) {
    const { kafka, sequelize, logger } = options;
    const client = createKafka(kafka, logger);
    this.producer = client.producer();
    this.processor = new ConsumerProcessor(consumer, sequelize, this.deadLetters(), options);
    this.group = client.consumerGroup({
      groupId: `${kafka.groupPrefix}${consumer.name}`,
      topics: topicsOf(consumer, kafka.topicPrefix),
      handleBatch: (batch, heartbeat) => this.handleBatch(batch, heartbeat),
      ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
      ...(options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
    });
  }

  /** Joins the group in the background (Kafka may come up later). */
  start(): void {
    this.producer.start();
    this.group.start();
  }

  /** In the group and consuming. */
  ready(): boolean {
    return this.group.ready();
  }

  /** Finishes the batch in hand, commits its offsets, leaves the group. */
  async stop(): Promise<void> {
    await this.group.stop();
    await this.producer.stop();
  }

  private async handleBatch(batch: KafkaBatch, heartbeat: () => Promise<void>): Promise<void> {
    const events: ConsumedEvent[] = [];
    for (const m of batch.messages) {
      try {
        events.push(fromKafkaValue(m.value));
      } catch (err) {
        // Unreadable: no event id to dedupe by, nothing any retry could fix. Straight to the DLQ.
        await this.producer.send(deadLetterTopic(batch.topic), [
          {
            key: m.key ?? "",
            value: m.value ?? "",
            headers: { consumer: this.consumer.name, error: errorText(err), offset: m.offset },
          },
        ]);
      }
    }
    await this.processor.process(events, heartbeat);
    const last = batch.messages.at(-1);
    if (last)
      this.options.onLag?.(
        batch.topic,
        batch.partition,
        Math.max(0, Number(batch.highWatermark) - Number(last.offset) - 1),
      );
  }

  /** The DLQ message: the event as published, plus who gave up on it, why and when. */
  private deadLetters(): DeadLetterSink {
    const prefix = this.options.kafka.topicPrefix;
    return async (letter) => {
      const value = { ...toKafkaValue(letter.event), deadLetter: { ...letter, event: undefined } };
      await this.producer.send(deadLetterTopic(topicFor(letter.event.type, prefix)), [
        {
          key: letter.event.key,
          value: JSON.stringify(value),
          headers: { consumer: letter.consumer, error: letter.error, attempts: String(letter.attempts) },
        },
      ]);
    };
  }
}
