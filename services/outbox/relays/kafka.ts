/**
 * The Kafka transport: one key's messages go to the topic of their event
 * type, keyed by the stream key, so Kafka keeps them in order per key (one
 * key, one partition). The wire format is defined here too, so consumers
 * read exactly what this writes.
 */
import { createKafka } from "../../../platform/kafka";
import type { KafkaOutgoing, KafkaProducer } from "../../../platform/kafka";
import type { KafkaConfig } from "../../../platform/config";
import type { OutboxMessage } from "../outbox";
import { dispatchOnBus } from "./in-process";
import { OutboxPublishError } from "./transport";
import type { OutboxTransport, TransportContext } from "./transport";

/** Streams whose topic is not simply `<stream>-events`. */
const TOPIC_BY_STREAM: Readonly<Record<string, string>> = {
  appointment: "booking-events",
  queue: "queue-events",
};

/**
 * The topic of an event type: `appointment.*` → `booking-events`, `queue.*`
 * → `queue-events`, any other `<stream>.*` → `<stream>-events` (so
 * `coupon.issued` → `coupon-events`), after `prefix`.
 */
export function topicFor(type: string, prefix = ""): string {
  const stream = type.split(".")[0] || "misc";
  return `${prefix}${TOPIC_BY_STREAM[stream] ?? `${stream}-events`}`;
}

/** Where a topic's dead letters go. */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;

/** The JSON value on the wire: the message, with the id of its appointment or ticket lifted out for readers. */
export interface KafkaEventValue extends OutboxMessage {
  appointmentId?: string;
  ticketId?: string;
}

/** The message as a Kafka value (API.md: at least `type, eventId, dayKey, seq, appointmentId`). */
export function toKafkaValue(message: OutboxMessage): KafkaEventValue {
  const payload = message.payload as { id?: unknown } | null;
  const id = typeof payload?.id === "string" ? payload.id : undefined;
  const lifted =
    id === undefined
      ? {}
      : message.type.startsWith("appointment.")
        ? { appointmentId: id }
        : message.type.startsWith("queue.ticket.")
          ? { ticketId: id }
          : {};
  return {
    type: message.type,
    eventId: message.eventId,
    key: message.key,
    dayKey: message.dayKey,
    seq: message.seq,
    ...lifted,
    payload: message.payload,
  };
}

/** Reads a value written by `toKafkaValue`; throws on anything else (a consumer dead-letters it). */
export function fromKafkaValue(text: string | null): OutboxMessage {
  const v = JSON.parse(text ?? "null") as Partial<OutboxMessage> | null;
  if (!v || typeof v.eventId !== "string" || typeof v.type !== "string" || typeof v.key !== "string") {
    throw new Error("Not an outbox event: eventId, type and key are required");
  }
  return {
    eventId: v.eventId,
    key: v.key,
    seq: Number(v.seq),
    type: v.type,
    payload: v.payload,
    dayKey: typeof v.dayKey === "string" ? v.dayKey : v.key,
  };
}

/** The `kafka` settings the transport expects: the node's Kafka configuration. */
export function kafkaSettingsOf(settings: Readonly<Record<string, unknown>>): KafkaConfig {
  const kafka = settings.kafka as KafkaConfig | undefined;
  if (!kafka || !Array.isArray(kafka.brokers) || kafka.brokers.length === 0) {
    throw new Error("The kafka outbox transport needs settings.kafka with brokers (set KAFKA_BROKERS)");
  }
  return kafka;
}

/**
 * Publishes each run of same-topic messages as one produce request, runs one
 * after another, then hands them to the Moleculer bus as the in-process
 * transport does; a failure rejects with how many went out before it.
 */
export function kafkaTransport({ broker, settings }: TransportContext): OutboxTransport {
  const config = kafkaSettingsOf(settings);
  const producer: KafkaProducer = createKafka(config, broker.getLogger("kafka")).producer();
  return {
    start() {
      // In the background: a node starts even if Kafka is not up yet; publishes wait or fail and are retried.
      producer.start();
      return Promise.resolve();
    },
    async publish(messages) {
      let sent = 0;
      while (sent < messages.length) {
        const topic = topicFor(messages[sent].type, config.topicPrefix);
        const run: KafkaOutgoing[] = [];
        for (
          let i = sent;
          i < messages.length && topicFor(messages[i].type, config.topicPrefix) === topic;
          i++
        ) {
          run.push({ key: messages[i].key, value: JSON.stringify(toKafkaValue(messages[i])) });
        }
        try {
          await producer.send(topic, run);
        } catch (err) {
          throw new OutboxPublishError(sent, err);
        }
        // The bus too: services not yet on consumer groups (notifications, the gateways' live
        // streams) still listen there. A failure re-sends these to Kafka as well; consumers dedupe.
        for (const m of messages.slice(sent, sent + run.length)) {
          try {
            await dispatchOnBus(broker, m);
          } catch (err) {
            throw new OutboxPublishError(sent, err);
          }
          sent++;
        }
      }
    },
    stop: () => producer.stop(),
  };
}
