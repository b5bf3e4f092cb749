/**
 * Settlement as often first written: list the day's payments, then for each
 * one read the row and add it to its hospital-day row, one statement at a
 * time (autocommit), then the same for refunds. Into a table of its own so
 * it never touches the product's `settlements`. Already kinder than the usual
 * version (an upsert per row rather than SELECT-then-INSERT-or-UPDATE).
 */
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";

export async function createNaiveTable(sequelize: Sequelize): Promise<void> {
  await sequelize.query("DROP TABLE IF EXISTS naive_settlements");
  await sequelize.query("CREATE TABLE naive_settlements LIKE settlements");
}

/** Settles up to `limit` of `date`'s payments row by row; returns how many rows it handled. */
export async function naiveSettle(sequelize: Sequelize, date: string, limit: number): Promise<number> {
  const ids = await sequelize.query<{ order_id: string }>(
    "SELECT order_id FROM payments WHERE settle_date = ? AND status IN ('paid', 'refunded') ORDER BY order_id LIMIT ?",
    { replacements: [date, limit], type: QueryTypes.SELECT },
  );
  const now = Date.now();
  for (const { order_id } of ids) {
    const [p] = await sequelize.query<{
      hospital_id: number;
      gross: number;
      discount: number;
      pg_fee: number;
    }>("SELECT hospital_id, gross, discount, pg_fee FROM payments WHERE order_id = ?", {
      replacements: [order_id],
      type: QueryTypes.SELECT,
    });
    const net = p.gross - p.discount - p.pg_fee;
    await sequelize.query(
      `INSERT INTO naive_settlements (hospital_id, date, payments, gross, refunds, discounts, pg_fees, net, settled_at)
       VALUES (?, ?, 1, ?, 0, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE payments = payments + 1, gross = gross + VALUES(gross),
         discounts = discounts + VALUES(discounts), pg_fees = pg_fees + VALUES(pg_fees), net = net + VALUES(net),
         settled_at = VALUES(settled_at)`,
      { replacements: [p.hospital_id, date, p.gross, p.discount, p.pg_fee, net, now] },
    );
  }
  return ids.length;
}
