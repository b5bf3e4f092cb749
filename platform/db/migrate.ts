/**
 * Versioned migrations, applied in order on start. Each runs once; the applied
 * ids are recorded in `schema_migrations`. The same code runs on SQLite and
 * MariaDB because it only speaks through Sequelize's QueryInterface.
 */
import { DataTypes } from "sequelize";
import type { QueryInterface, Sequelize } from "sequelize";
import * as initial from "./migrations/001-initial";
import * as booking from "./migrations/002-booking";
import * as reception from "./migrations/003-reception";
import * as retries from "./migrations/004-retries";
import * as outbox from "./migrations/005-outbox";
import * as consumers from "./migrations/006-consumers";
import * as coupons from "./migrations/007-coupons";
import * as accessLog from "./migrations/008-access-log";
import * as payments from "./migrations/009-payments";
import * as settlement from "./migrations/010-settlement";
import * as accountChanges from "./migrations/011-account-changes";
import * as couponHolds from "./migrations/012-coupon-holds";

interface Migration {
  id: string;
  up(qi: QueryInterface): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  { id: "001-initial", up: initial.up },
  { id: "002-booking", up: booking.up },
  { id: "003-reception", up: reception.up },
  { id: "004-retries", up: retries.up },
  { id: "005-outbox", up: outbox.up },
  { id: "006-consumers", up: consumers.up },
  { id: "007-coupons", up: coupons.up },
  { id: "008-access-log", up: accessLog.up },
  { id: "009-payments", up: payments.up },
  { id: "010-settlement", up: settlement.up },
  { id: "011-account-changes", up: accountChanges.up },
  { id: "012-coupon-holds", up: couponHolds.up },
];

/**
 * Applies pending migrations and returns the ids it applied. On MySQL/MariaDB
 * several nodes may start at once: a named lock, held by a connection of its
 * own (released by the server if this process dies), lets one migrate at a time.
 */
export async function migrate(sequelize: Sequelize, migrations = MIGRATIONS): Promise<string[]> {
  if (sequelize.getDialect() !== "mysql") return applyPending(sequelize, migrations);
  type LockConnection = { query(sql: string, cb: (err: Error | null, rows: unknown) => void): void };
  const manager = sequelize.connectionManager as unknown as {
    getConnection(): Promise<LockConnection>;
    releaseConnection(c: LockConnection): Promise<void>;
  };
  const connection = await manager.getConnection();
  const run = (sql: string) =>
    new Promise<unknown>((resolve, reject) =>
      connection.query(sql, (err, rows) => (err ? reject(err) : resolve(rows))),
    );
  try {
    const [row] = (await run("SELECT GET_LOCK('hospital_engine_migrations', 120) AS got")) as {
      got: number;
    }[];
    if (Number(row.got) !== 1) throw new Error("Timed out waiting for another node's migrations");
    try {
      return await applyPending(sequelize, migrations);
    } finally {
      await run("SELECT RELEASE_LOCK('hospital_engine_migrations')");
    }
  } finally {
    await manager.releaseConnection(connection);
  }
}

async function applyPending(sequelize: Sequelize, migrations: readonly Migration[]): Promise<string[]> {
  const qi = sequelize.getQueryInterface();
  const tables = (await qi.showAllTables()).map((t) =>
    typeof t === "string" ? t : (t as { tableName: string }).tableName,
  );
  if (!tables.includes("schema_migrations")) {
    await qi.createTable("schema_migrations", {
      id: { type: DataTypes.STRING(100), primaryKey: true },
      applied_at: { type: DataTypes.DATE, allowNull: false },
    });
  }
  const [rows] = await sequelize.query("SELECT id FROM schema_migrations");
  const done = new Set((rows as { id: string }[]).map((r) => r.id));
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.id)) continue;
    await migration.up(qi);
    await qi.bulkInsert("schema_migrations", [{ id: migration.id, applied_at: new Date() }]);
    applied.push(migration.id);
  }
  return applied;
}
