/**
 * The transactional outbox: producers write their events here in the same
 * transaction as the change they describe, and a relay publishes them later,
 * in order per stream key, at least once.
 */
import { QueryTypes } from "sequelize";
import type { Sequelize, Transaction } from "sequelize";

/** An event a producer hands to `appendToOutbox`. */
export interface NewOutboxEvent {
  /** Unique id; consumers dedupe redeliveries by it. */
  eventId: string;
  /** The aggregate the event belongs to ("12:2026-12-01", "campaign:7"); order holds per key. */
  key: string;
  type: string;
  /** Anything JSON-serialisable. */
  payload: unknown;
  /** Epoch milliseconds. */
  createdAt: number;
}

/** An outbox row as written: the event with its place in its key's stream. */
export interface OutboxRecord {
  eventId: string;
  key: string;
  /** 1, 2, 3, … per key, in commit order. */
  seq: number;
  type: string;
  /** The payload as stored: JSON text. */
  payload: string;
  createdAt: number;
}

/** What consumers receive, whatever the transport. */
export interface OutboxMessage {
  eventId: string;
  key: string;
  seq: number;
  type: string;
  payload: unknown;
  /** The same as `key`: the day consumers written before generic keys read this name. */
  dayKey: string;
}

/**
 * Writes `events` to the outbox inside the caller's `transaction` and returns
 * them with their `seq`. Keys are numbered in sorted order so two transactions
 * touching the same keys lock the counters in the same order (no deadlock).
 *
 * @example
 * await sequelize.transaction(async (t) => {
 *   await saveCampaign(campaign, t);
 *   records = await appendToOutbox(sequelize, t, [
 *     { eventId: uuid(), key: `campaign:${campaign.id}`, type: "campaign.started", payload: campaign, createdAt: now },
 *   ]);
 * });
 * relay.committed(records);
 */
export async function appendToOutbox(
  sequelize: Sequelize,
  transaction: Transaction,
  events: readonly NewOutboxEvent[],
): Promise<OutboxRecord[]> {
  if (events.length === 0) return [];
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.key, (counts.get(e.key) ?? 0) + 1);
  const next = new Map<string, number>();
  for (const key of [...counts.keys()].sort()) {
    const n = counts.get(key) ?? 0;
    next.set(key, (await bumpCounter(sequelize, transaction, key, n)) - n + 1);
  }
  const records = events.map((e): OutboxRecord => {
    const seq = next.get(e.key) ?? 0;
    next.set(e.key, seq + 1);
    return {
      eventId: e.eventId,
      key: e.key,
      seq,
      type: e.type,
      payload: JSON.stringify(e.payload),
      createdAt: e.createdAt,
    };
  });
  await sequelize.getQueryInterface().bulkInsert(
    "outbox_events",
    records.map((r) => ({
      event_id: r.eventId,
      stream_key: r.key,
      seq: r.seq,
      type: r.type,
      payload: r.payload,
      created_at: r.createdAt,
      dispatched_at: null,
      attempts: 0,
    })),
    { transaction },
  );
  return records;
}

/**
 * Adds `n` to the key's counter and returns its new value. One upsert rather
 * than UPDATE-then-INSERT: on InnoDB an UPDATE that finds no row takes a gap
 * lock, and two first-use transactions would then deadlock on their INSERTs.
 * The upsert's row lock holds until commit, so a second transaction of the same
 * key waits here and numbers its events after the first's.
 */
async function bumpCounter(
  sequelize: Sequelize,
  transaction: Transaction,
  key: string,
  n: number,
): Promise<number> {
  const conflict =
    sequelize.getDialect() === "mysql"
      ? "ON DUPLICATE KEY UPDATE seq = seq + ?"
      : "ON CONFLICT (stream_key) DO UPDATE SET seq = seq + ?";
  await sequelize.query(`INSERT INTO outbox_keys (stream_key, seq) VALUES (?, ?) ${conflict}`, {
    replacements: [key, n, n],
    transaction,
  });
  const [row] = await sequelize.query<{ seq: number | string }>(
    "SELECT seq FROM outbox_keys WHERE stream_key = ?",
    {
      replacements: [key],
      type: QueryTypes.SELECT,
      transaction,
    },
  );
  return Number(row?.seq);
}

/** The message a stored record becomes on the wire. */
export function toMessage(record: OutboxRecord): OutboxMessage {
  return {
    eventId: record.eventId,
    key: record.key,
    seq: record.seq,
    type: record.type,
    payload: JSON.parse(record.payload) as unknown,
    dayKey: record.key,
  };
}
