import { DataTypes } from "sequelize";
import type { QueryInterface } from "sequelize";

/**
 * Deposits and their settlement. `payments` is one order per pending booking
 * (amounts in whole won; `gross` before the coupon discount, `amount` what the
 * patient pays); `refunds` records money given back; `settle_date` is the
 * hospital-local date the money moved, which settlement groups by.
 * `settlements` holds one row per hospital and day (the batch's output, upserted,
 * so re-runs give the same rows); `settlement_runs` checkpoints a run.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.createTable("payment_settings", {
    hospital_id: { type: DataTypes.INTEGER, primaryKey: true },
    deposit_amount: { type: DataTypes.INTEGER, allowNull: false },
    full_refund_hours_before: { type: DataTypes.INTEGER, allowNull: false },
    late_cancel_refund_percent: { type: DataTypes.INTEGER, allowNull: false },
    updated_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.createTable("payments", {
    order_id: { type: DataTypes.STRING(64), primaryKey: true },
    appointment_id: { type: DataTypes.CHAR(36), allowNull: false },
    hospital_id: { type: DataTypes.INTEGER, allowNull: false },
    account_id: { type: DataTypes.INTEGER, allowNull: false },
    gross: { type: DataTypes.INTEGER, allowNull: false },
    discount: { type: DataTypes.INTEGER, allowNull: false },
    amount: { type: DataTypes.INTEGER, allowNull: false },
    payment_key: { type: DataTypes.STRING(200), allowNull: true },
    /** The coupon discounting the deposit, and the booking holding it (used on payment, released on failure). */
    coupon_code: { type: DataTypes.STRING(40), allowNull: true },
    coupon_ref: { type: DataTypes.STRING(100), allowNull: true },
    /** pending → paid | declined | expired; paid → refunded (partly or fully, see refunds). */
    status: { type: DataTypes.STRING(16), allowNull: false },
    pg_fee: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    approved_at: { type: DataTypes.BIGINT, allowNull: true },
    settle_date: { type: DataTypes.DATEONLY, allowNull: true },
    created_at: { type: DataTypes.BIGINT, allowNull: false },
    updated_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.addIndex("payments", ["appointment_id"], { name: "payments_appointment", unique: true });
  await qi.addIndex("payments", ["hospital_id", "settle_date", "order_id"], { name: "payments_settle" });
  await qi.addIndex("payments", ["status", "created_at"], { name: "payments_status" });
  await qi.createTable("refunds", {
    id: { type: DataTypes.STRING(64), primaryKey: true },
    order_id: { type: DataTypes.STRING(64), allowNull: false },
    hospital_id: { type: DataTypes.INTEGER, allowNull: false },
    amount: { type: DataTypes.INTEGER, allowNull: false },
    settle_date: { type: DataTypes.DATEONLY, allowNull: false },
    created_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.addIndex("refunds", ["hospital_id", "settle_date", "id"], { name: "refunds_settle" });
  await qi.createTable("settlements", {
    hospital_id: { type: DataTypes.INTEGER, primaryKey: true },
    date: { type: DataTypes.DATEONLY, primaryKey: true },
    payments: { type: DataTypes.INTEGER, allowNull: false },
    gross: { type: DataTypes.BIGINT, allowNull: false },
    refunds: { type: DataTypes.BIGINT, allowNull: false },
    discounts: { type: DataTypes.BIGINT, allowNull: false },
    pg_fees: { type: DataTypes.BIGINT, allowNull: false },
    net: { type: DataTypes.BIGINT, allowNull: false },
    settled_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.createTable("settlement_runs", {
    date: { type: DataTypes.DATEONLY, primaryKey: true },
    status: { type: DataTypes.STRING(12), allowNull: false },
    /** The last hospital id fully settled (keyset checkpoint); a resumed run starts after it. */
    checkpoint: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    started_at: { type: DataTypes.BIGINT, allowNull: false },
    finished_at: { type: DataTypes.BIGINT, allowNull: true },
  });
}
