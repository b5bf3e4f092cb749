/** How far behind publishing is: rows not yet dispatched, and the age of the oldest (for metrics and the REPL). */
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";

export interface OutboxBacklog {
  pending: number;
  oldestSeconds: number;
}

export async function outboxBacklog(sequelize: Sequelize, now: number): Promise<OutboxBacklog> {
  const [row] = await sequelize.query<{ n: number | string; oldest: number | string | null }>(
    "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox_events WHERE dispatched_at IS NULL",
    { type: QueryTypes.SELECT },
  );
  const oldest = row.oldest === null ? null : Number(row.oldest);
  return { pending: Number(row.n), oldestSeconds: oldest === null ? 0 : Math.max(0, (now - oldest) / 1000) };
}
