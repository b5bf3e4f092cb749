/**
 * One settlement run per date across a cluster. On MariaDB a named lock,
 * `GET_LOCK('hre_settlement_<date>', 0)`, held by a pool connection set aside
 * for the run: the server frees it when that connection dies, so a node killed
 * mid-run never leaves a stale claim to expire (a row claim would need a lease
 * and a heartbeat for that). Timeout 0: the loser does not wait, it skips —
 * the winner is doing the work. SQLite is the embedded, single-process mode,
 * where an in-process set of dates does the same job.
 */
import type { Sequelize } from "sequelize";

/** The slice of a mysql2 connection this module uses. */
type LockConnection = {
  query(options: { sql: string; values: unknown[] }, cb: (err: Error | null, rows: unknown) => void): void;
};
interface ConnectionManager {
  getConnection(): Promise<LockConnection>;
  releaseConnection(connection: LockConnection): Promise<void>;
}

const localRuns = new Set<string>();

export const lockName = (date: string): string => `hre_settlement_${date}`;

/**
 * Runs `fn` holding the lock of `date`, or returns `{ ran: false }` at once
 * when another run (this node or another) holds it.
 */
export async function withSettlementLock<T>(
  sequelize: Sequelize,
  date: string,
  fn: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  if (sequelize.getDialect() === "mysql") return withNamedLock(sequelize, lockName(date), fn);
  const key = `${(sequelize as unknown as { options: { storage?: string } }).options.storage ?? ""}:${date}`;
  if (localRuns.has(key)) return { ran: false };
  localRuns.add(key);
  try {
    return { ran: true, value: await fn() };
  } finally {
    localRuns.delete(key);
  }
}

async function withNamedLock<T>(
  sequelize: Sequelize,
  name: string,
  fn: () => Promise<T>,
): Promise<{ ran: true; value: T } | { ran: false }> {
  const manager = sequelize.connectionManager as unknown as ConnectionManager;
  const connection = await manager.getConnection();
  const run = (sql: string, args: unknown[]) =>
    new Promise<unknown>((resolve, reject) =>
      connection.query({ sql, values: args }, (err, rows) => (err ? reject(err) : resolve(rows))),
    );
  try {
    const [row] = (await run("SELECT GET_LOCK(?, 0) AS got", [name])) as { got: unknown }[];
    if (Number(row.got) !== 1) return { ran: false };
    try {
      return { ran: true, value: await fn() };
    } finally {
      await run("SELECT RELEASE_LOCK(?)", [name]);
    }
  } finally {
    await manager.releaseConnection(connection);
  }
}
