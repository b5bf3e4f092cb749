/** The rows of the tables a client can change (a refused request must leave them as they were), and one row's status. */
import crypto from "node:crypto";
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";

/** Tables written by requests (idempotency keys and day fencing rows are bookkeeping, not data). */
export const DATA_TABLES = [
  "users",
  "patients",
  "hospitals",
  "doctors",
  "appointments",
  "tickets",
  "coupon_campaigns",
  "coupons",
  "access_log",
] as const;

export async function rowCounts(sequelize: Sequelize): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of DATA_TABLES) {
    const [rows] = await sequelize.query(`SELECT COUNT(*) AS n FROM ${table}`);
    counts[table] = Number((rows as { n: number | string }[])[0].n);
  }
  return counts;
}

/** A digest of every data table's rows: equal digests mean nothing was added, changed or removed. */
export async function dataDigest(sequelize: Sequelize): Promise<string> {
  const hash = crypto.createHash("sha256");
  for (const table of DATA_TABLES) {
    const [rows] = await sequelize.query(`SELECT * FROM ${table} ORDER BY id`);
    hash.update(table).update(JSON.stringify(rows));
  }
  return hash.digest("hex");
}

/** The `status` of the one row of `table` whose `column` is `value` (a coupon by code, an order by id). */
export async function statusOf(
  sequelize: Sequelize,
  table: "appointments" | "coupons" | "payments",
  column: "id" | "code" | "order_id",
  value: string,
): Promise<string> {
  const rows = await sequelize.query<{ status: string }>(`SELECT status FROM ${table} WHERE ${column} = ?`, {
    replacements: [value],
    type: QueryTypes.SELECT,
  });
  return rows[0].status;
}
