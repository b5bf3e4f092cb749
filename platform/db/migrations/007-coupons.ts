import { DataTypes } from "sequelize";
import type { QueryInterface } from "sequelize";

/**
 * First-come-first-served coupons. Claims are decided by a counter outside the
 * database (Redis, or memory in embedded mode) and made durable through the
 * event log; `coupons` is the truth the counter is repaired from. One coupon
 * per account and campaign (unique), codes unique.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.createTable("coupon_campaigns", {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
    name: { type: DataTypes.STRING(120), allowNull: false },
    discount_type: { type: DataTypes.STRING(10), allowNull: false },
    discount_value: { type: DataTypes.INTEGER, allowNull: false },
    quantity: { type: DataTypes.INTEGER, allowNull: false },
    starts_at: { type: DataTypes.BIGINT, allowNull: true },
    ends_at: { type: DataTypes.BIGINT, allowNull: true },
    hospital_id: { type: DataTypes.INTEGER, allowNull: true },
    created_by: { type: DataTypes.INTEGER, allowNull: false },
    created_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.createTable("coupons", {
    id: { type: DataTypes.CHAR(36), primaryKey: true },
    campaign_id: { type: DataTypes.INTEGER, allowNull: false },
    account_id: { type: DataTypes.INTEGER, allowNull: false },
    code: { type: DataTypes.STRING(40), allowNull: false, unique: true },
    status: { type: DataTypes.STRING(10), allowNull: false },
    /** The booking holding or having used the coupon (a request key while reserved, then the appointment id). */
    held_by: { type: DataTypes.STRING(100), allowNull: true },
    issued_at: { type: DataTypes.BIGINT, allowNull: false },
    updated_at: { type: DataTypes.BIGINT, allowNull: false },
  });
  await qi.addIndex("coupons", ["campaign_id", "account_id"], {
    name: "coupons_one_per_account",
    unique: true,
  });
  await qi.addIndex("coupons", ["account_id"], { name: "coupons_account" });
}
