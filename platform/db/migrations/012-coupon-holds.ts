import { DataTypes } from "sequelize";
import type { QueryInterface } from "sequelize";

/**
 * An appointment booked with a coupon records the hold the coupon lies under
 * (the booking's request key, or its request id without one), so the coupon
 * follows the appointment's events durably: used when the seat is sold or
 * paid for, given back when the hold lapses or the visit is cancelled, even
 * when the node that booked it crashed or the client never retried.
 */
export async function up(qi: QueryInterface): Promise<void> {
  await qi.addColumn("appointments", "coupon_ref", { type: DataTypes.STRING(100), allowNull: true });
}
