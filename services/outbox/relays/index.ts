/**
 * The relay a node runs, chosen by configuration. Transports register here by
 * name; a Kafka one is one more file beside in-process.ts and one line below.
 */
import type { ServiceBroker } from "moleculer";
import type { Sequelize } from "sequelize";
import { ClaimingRelay } from "../claiming-relay";
import type { RelayOptions } from "../claiming-relay";
import type { OutboxRelay } from "./transport";
import { OutboxStore } from "../outbox-store";
import type { AppConfig } from "../../../platform/config";
import { inProcessTransport } from "./in-process";
import { kafkaTransport } from "./kafka";
import type { TransportFactory } from "./transport";

/** Transports by the name configuration uses. */
export const TRANSPORTS = {
  "in-process": inProcessTransport,
  kafka: kafkaTransport,
} satisfies Record<string, TransportFactory>;

export type TransportName = keyof typeof TRANSPORTS;

/** The relay part of the configuration. */
export interface RelayConfig extends Omit<RelayOptions, "owner" | "now" | "every" | "logger"> {
  transport: TransportName;
  /** Handed to the transport as is (brokers, topic, …); each transport checks its own. */
  settings?: Readonly<Record<string, unknown>>;
}

/** What the node provides: its broker and database, and time (injectable for tests). */
export interface RelayDependencies {
  broker: ServiceBroker;
  sequelize: Sequelize;
  now?: () => number;
  every?: RelayOptions["every"];
}

/** The relay configuration of a node: Kafka when `KAFKA_BROKERS` is set, in-process otherwise. */
export function relayConfigOf(config: Pick<AppConfig, "kafka">): RelayConfig {
  return config.kafka
    ? { transport: "kafka", settings: { kafka: config.kafka } }
    : { transport: "in-process" };
}

/**
 * Builds the configured relay for this node. `owner` defaults to the broker's
 * node id, so leases in `outbox_events.claimed_by` say which node holds them.
 *
 * @example
 * const relay = resolveRelay({ transport: "in-process" }, { broker, sequelize, now });
 * await relay.start();
 */
export function resolveRelay(config: RelayConfig, deps: RelayDependencies): OutboxRelay {
  const factory: TransportFactory | undefined = TRANSPORTS[config.transport];
  if (!factory) throw new Error(`Unknown outbox transport "${String(config.transport)}"`);
  const { transport: _name, settings = {}, ...tuning } = config;
  const transport = factory({ broker: deps.broker, settings });
  return new ClaimingRelay(new OutboxStore(deps.sequelize), transport, {
    ...tuning,
    owner: deps.broker.nodeID,
    logger: deps.broker.logger,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.every ? { every: deps.every } : {}),
  });
}

export { ClaimingRelay, retryDelay } from "../claiming-relay";
export type { Every, RelayOptions } from "../claiming-relay";
export { dispatchOnBus, inProcessTransport } from "./in-process";
export { deadLetterTopic, fromKafkaValue, kafkaTransport, toKafkaValue, topicFor } from "./kafka";
export type { KafkaEventValue } from "./kafka";
export { OutboxPublishError } from "./transport";
export type { OutboxRelay, OutboxTransport, TransportContext, TransportFactory } from "./transport";
