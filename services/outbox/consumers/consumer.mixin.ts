/**
 * How a service runs a consumer: `mixins: [consumerMixin(consumer, app)]`.
 * With `KAFKA_BROKERS` the consumer joins its Kafka consumer group when the
 * service starts and leaves it (batch finished, offsets committed) when the
 * service stops, which SIGTERM does; without it, the same handler is fed
 * from the in-process outbox relay through the Moleculer bus.
 */
import type { Context, ServiceBroker, ServiceSchema } from "moleculer";
import type { Sequelize } from "sequelize";
import type { AppConfig } from "../../../platform/config";
import type { Consumer, ConsumedEvent } from "./consumer";
import { busEventName } from "./consumer";
import { KafkaConsumerRunner } from "./kafka-runner";
import { ConsumerProcessor, tableDeadLetters } from "./processor";
import type { ProcessorOptions } from "./processor";

/** What the mixin needs from the node: its database and configuration. */
export interface ConsumerHost {
  sequelize: Sequelize;
  config: Pick<AppConfig, "kafka" | "consumers">;
}

/** Optional tuning (tests shorten the waits). */
export type ConsumerTuning = Omit<ProcessorOptions, "maxAttempts"> & {
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
};

/**
 * A mixin running `consumer` in the service it is mixed into.
 *
 * @example
 * export function couponsService(app: App): ServiceSchema {
 *   return { name: "coupons", mixins: [consumerMixin(issueOnConfirm(app), app)], actions: { … } };
 * }
 */
export function consumerMixin(
  consumer: Consumer,
  host: ConsumerHost,
  tuning: ConsumerTuning = {},
): Partial<ServiceSchema> {
  const { kafka, consumers } = host.config;
  const options = { ...tuning, maxAttempts: consumers.maxAttempts };
  if (kafka) {
    let runner: KafkaConsumerRunner | null = null;
    return {
      started(this: { broker: Context["broker"] }) {
        const lag = lagGauge(this.broker, `${kafka.groupPrefix}${consumer.name}`);
        runner = new KafkaConsumerRunner(consumer, {
          ...options,
          onLag: lag,
          kafka,
          sequelize: host.sequelize,
          logger: this.broker.getLogger("kafka"),
        });
        runner.start();
      },
      async stopped() {
        await runner?.stop();
        runner = null;
      },
    };
  }
  const processor = new ConsumerProcessor(
    consumer,
    host.sequelize,
    tableDeadLetters(host.sequelize),
    options,
  );
  // Rejecting (database down) fails the relay's publish, so the key is retried, not skipped.
  const handler = (ctx: Context<ConsumedEvent>) => processor.process([ctx.params]);
  return {
    events: Object.fromEntries(
      [...new Set(consumer.eventTypes.map(busEventName))].map((name) => [name, { handler }]),
    ),
  };
}

/**
 * `hre_kafka_consumer_lag{group, topic}`: messages behind the group's last
 * batch, summed over the partitions this member consumes (labels stay bounded:
 * groups and topics, not partitions).
 */
function lagGauge(
  broker: ServiceBroker,
  group: string,
): (topic: string, partition: number, lag: number) => void {
  if (!broker.isMetricsEnabled()) return () => undefined;
  if (!broker.metrics.getMetric("hre_kafka_consumer_lag")) {
    broker.metrics.register({
      name: "hre_kafka_consumer_lag",
      type: "gauge",
      labelNames: ["group", "topic"],
      description: "Messages a consumer group is behind, per topic",
    });
  }
  const byPartition = new Map<string, Map<number, number>>();
  return (topic, partition, lag) => {
    const partitions = byPartition.get(topic) ?? new Map<number, number>();
    partitions.set(partition, lag);
    byPartition.set(topic, partitions);
    const total = [...partitions.values()].reduce((a, b) => a + b, 0);
    broker.metrics.set("hre_kafka_consumer_lag", total, { group, topic });
  };
}
