/**
 * Versioned migrations, applied in order on start. Each runs once; the applied
 * ids are recorded in `schema_migrations`. The same code runs on SQLite and
 * MariaDB because it only speaks through Sequelize's QueryInterface.
 */
import { DataTypes } from "sequelize";
import type { QueryInterface, Sequelize } from "sequelize";
import * as initial from "./migrations/001-initial";
import * as booking from "./migrations/002-booking";

interface Migration {
  id: string;
  up(qi: QueryInterface): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  { id: "001-initial", up: initial.up },
  { id: "002-booking", up: booking.up },
];

/** Applies pending migrations and returns the ids it applied. */
export async function migrate(sequelize: Sequelize, migrations = MIGRATIONS): Promise<string[]> {
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
