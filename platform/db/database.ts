/**
 * Opens the Sequelize connection for `DB_URL`: an SQLite file (embedded
 * default) or MySQL/MariaDB. Instants are stored in UTC on both dialects.
 */
import fs from "node:fs";
import path from "node:path";
import { Sequelize } from "sequelize";
import { installSqliteWriter } from "./sqlite-writer";

export interface DatabaseOptions {
  /** Upper bound on pooled connections (MySQL only; SQLite uses one reader and one writer). */
  poolMax?: number;
  logging?: (sql: string) => void;
}

export function openDatabase(url: string, options: DatabaseOptions = {}): Sequelize {
  const logging = options.logging ?? false;
  if (url.startsWith("sqlite:")) {
    const storage = url.slice("sqlite:".length) || ":memory:";
    if (storage !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(storage)), { recursive: true });
    const sequelize = new Sequelize({
      dialect: "sqlite",
      storage,
      logging,
      transactionType: "IMMEDIATE" as never,
    });
    // SQLite has one write lock per file: writers queue in-process instead of busy-waiting on it.
    installSqliteWriter(sequelize, { busyTimeoutMs: 5000 });
    return sequelize;
  }
  return new Sequelize(url.replace(/^mariadb:/, "mysql:"), {
    dialect: "mysql",
    logging,
    timezone: "+00:00",
    pool: { max: options.poolMax ?? 20, min: 0, idle: 10_000, acquire: 30_000 },
    dialectOptions: { dateStrings: false, supportBigNumbers: true, charset: "utf8mb4" },
    define: { charset: "utf8mb4", collate: "utf8mb4_unicode_ci" },
  });
}

/**
 * SQLite settings that make a file database behave under concurrent readers.
 * WAL is a property of the file; busy timeout, synchronous mode and foreign
 * keys are per connection and set on each one as it opens (`sqlite-writer.ts`).
 */
export async function tuneDatabase(sequelize: Sequelize): Promise<void> {
  if (sequelize.getDialect() !== "sqlite") return;
  await sequelize.query("PRAGMA journal_mode = WAL");
}
