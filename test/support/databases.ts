/**
 * A fresh, private database for one test file, on the dialect of the jest
 * project running it (`TEST_DB` global: "sqlite" or "mariadb"). MariaDB must be
 * reachable: a missing server fails the suite loudly instead of skipping it.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Sequelize } from "sequelize";

declare const TEST_DB: string | undefined;

export const MARIADB_ROOT_URL = "mysql://root@127.0.0.1:3306/test";

export type Dialect = "sqlite" | "mariadb";

export const testDialect = (): Dialect =>
  typeof TEST_DB !== "undefined" && TEST_DB === "mariadb" ? "mariadb" : "sqlite";

export interface TestDatabase {
  dialect: Dialect;
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: Dialect = testDialect()): Promise<TestDatabase> {
  const name = `hre_${process.pid}_${crypto.randomBytes(4).toString("hex")}`;
  if (dialect === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hre-"));
    return {
      dialect,
      url: `sqlite:${path.join(dir, `${name}.sqlite`)}`,
      drop: () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })),
    };
  }
  const root = new Sequelize(MARIADB_ROOT_URL, { logging: false });
  try {
    await root.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } catch (err) {
    await root.close();
    throw new Error(
      `MariaDB at ${MARIADB_ROOT_URL} is required for the mariadb test project: ${String(err)}`,
    );
  }
  await root.close();
  return {
    dialect,
    url: `mysql://root@127.0.0.1:3306/${name}`,
    async drop() {
      const admin = new Sequelize(MARIADB_ROOT_URL, { logging: false });
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.close();
    },
  };
}
