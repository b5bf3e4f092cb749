/**
 * Events a consumer gave up on (embedded mode's `dead_letters`; Kafka mode
 * keeps them on `<topic>.dlq`): listed for the admin, and replayed one at a
 * time once the cause is fixed — the consumer's processed mark is removed and
 * the event published again; consumers that applied it already skip it.
 */
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import type { OutboxMessage } from "./outbox";

export interface DeadLetterRow {
  id: number;
  consumer: string;
  eventId: string;
  key: string;
  type: string;
  error: string;
  attempts: number;
  createdAt: number;
}

interface Raw {
  id: number;
  consumer: string;
  event_id: string;
  stream_key: string;
  type: string;
  payload: string;
  error: string;
  attempts: number;
  created_at: number | string;
}

export async function listDeadLetters(sequelize: Sequelize, limit = 50): Promise<DeadLetterRow[]> {
  const rows = await sequelize.query<Raw>("SELECT * FROM dead_letters ORDER BY id DESC LIMIT ?", {
    replacements: [limit],
    type: QueryTypes.SELECT,
  });
  return rows.map((r) => ({
    id: Number(r.id),
    consumer: r.consumer,
    eventId: r.event_id,
    key: r.stream_key,
    type: r.type,
    error: r.error,
    attempts: Number(r.attempts),
    createdAt: Number(r.created_at),
  }));
}

/** Takes dead letter `id` off the list and returns the event to publish again (null: no such letter). */
export async function takeDeadLetter(sequelize: Sequelize, id: number): Promise<OutboxMessage | null> {
  return sequelize.transaction(async (transaction) => {
    const [row] = await sequelize.query<Raw>("SELECT * FROM dead_letters WHERE id = ?", {
      replacements: [id],
      type: QueryTypes.SELECT,
      transaction,
    });
    if (!row) return null;
    await sequelize.query("DELETE FROM processed_events WHERE consumer = ? AND event_id = ?", {
      replacements: [row.consumer, row.event_id],
      transaction,
    });
    await sequelize.query("DELETE FROM dead_letters WHERE id = ?", { replacements: [id], transaction });
    return {
      eventId: row.event_id,
      key: row.stream_key,
      dayKey: row.stream_key,
      seq: 0,
      type: row.type,
      payload: JSON.parse(row.payload) as unknown,
    };
  });
}
