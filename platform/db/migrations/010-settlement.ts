import type { QueryInterface } from "sequelize";

/**
 * Settlement reads one day at a time, hospitals in keyset order:
 * `settle_date = ? AND hospital_id > ? … GROUP BY hospital_id`. The 009
 * indexes lead with hospital_id, so that query could use only their first
 * column: every chunk read all days' entries of its hospitals and fetched each
 * row for its status and amounts (1,000,000 payments over 7 days: 38 s on a
 * 128 MB buffer pool). These lead with the day and carry every column the
 * sums need, so a chunk is one ordered range scan of the index alone (~0.3 s
 * a day there). The cost is one more index entry per payment and refund.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.addIndex("payments", ["settle_date", "hospital_id", "status", "gross", "discount", "pg_fee"], {
    name: "payments_settle_day",
  });
  await qi.addIndex("refunds", ["settle_date", "hospital_id", "amount"], { name: "refunds_settle_day" });
}
