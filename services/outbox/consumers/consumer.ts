/**
 * What a consumer is: a name (its consumer group and its key in
 * `processed_events`), the event types it wants, and one batch handler that
 * applies events inside the transaction the framework opens. The same handler
 * runs on Kafka (a consumer group) and in-process (the Moleculer bus).
 */
import type { Transaction } from "sequelize";
import type { OutboxMessage } from "../outbox";

/** An event as a consumer receives it, whatever the transport. */
export type ConsumedEvent = OutboxMessage;

/**
 * A batched, idempotent event handler.
 *
 * @example
 * const issuedCoupons: Consumer = {
 *   name: "coupons.issue",
 *   eventTypes: ["appointment.confirmed"],
 *   async handleBatch(events, transaction) {
 *     await Coupon.bulkCreate(events.map(toCoupon), { transaction });
 *   },
 * };
 */
export interface Consumer {
  /** Stable and unique: renaming it replays every retained event to the "new" consumer. */
  name: string;
  /** Exact types ("coupon.issued") or a stream's every type ("appointment.*", any depth). */
  eventTypes: readonly string[];
  /**
   * Of the events of those types, whether this one concerns the consumer at all, judged from the
   * event alone (say, a booking without a coupon). Those that do not are skipped without a
   * transaction or a `processed_events` row. Absent: every event of the types does.
   */
  concerns?(event: ConsumedEvent): boolean;
  /**
   * Applies events not applied before, in delivery order (per key, the order
   * they were committed). Write effects only through `transaction`: it also
   * records the events as processed, so they commit or roll back together.
   * Throwing rolls the batch back; events are then retried one by one.
   */
  handleBatch(events: readonly ConsumedEvent[], transaction: Transaction): Promise<void>;
}

/** Whether `type` is one of `patterns` (see `Consumer.eventTypes`). */
export function wants(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => (p.endsWith(".*") ? type.startsWith(p.slice(0, -1)) : p === type));
}

/**
 * The bus event a type travels as in embedded mode, as a Moleculer pattern.
 * Mirrors `dispatchOnBus` (../relays/in-process.ts): queue events are
 * broadcast under their own name, every other type is emitted as `day.<type>`.
 */
export function busEventName(pattern: string): string {
  const name = pattern.endsWith(".*") ? `${pattern}*` : pattern;
  return name.startsWith("queue.") ? name : `day.${name}`;
}
