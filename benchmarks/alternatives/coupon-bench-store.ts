/**
 * Storage shared by the coupon designs the product is compared with: a stock
 * row per campaign for the row-lock design, and the coupon row itself, written
 * into the product's `coupons` table so its unique (campaign, account) key
 * guards every design alike.
 */
import { QueryTypes, UniqueConstraintError } from "sequelize";
import type { Sequelize, Transaction } from "sequelize";
import { conflict } from "../../platform/errors";
import { uuidv7 } from "../../platform/ids";
import { newCouponCode } from "../../services/coupons/coupon-codes";

export interface IssuedCoupon {
  couponId: string;
  code: string;
  campaignId: number;
  status: "issued";
}

export async function createCouponBenchTables(sequelize: Sequelize): Promise<void> {
  await sequelize.query(`CREATE TABLE bench_campaign_stock (
    id INT NOT NULL PRIMARY KEY, remaining INT NOT NULL) ENGINE=InnoDB`);
}

export async function insertStock(sequelize: Sequelize, campaignId: number, quantity: number): Promise<void> {
  await sequelize.query("INSERT INTO bench_campaign_stock (id, remaining) VALUES (?, ?)", {
    replacements: [campaignId, quantity],
    type: QueryTypes.INSERT,
  });
}

/** Inserts the coupon row; a second row for the same account is refused by the unique key (409). */
export async function insertCoupon(
  sequelize: Sequelize,
  campaignId: number,
  accountId: number,
  transaction?: Transaction,
): Promise<IssuedCoupon> {
  const now = Date.now();
  const couponId = uuidv7(now);
  const code = newCouponCode();
  try {
    await sequelize.query(
      `INSERT INTO coupons (id, campaign_id, account_id, code, status, held_by, issued_at, updated_at)
        VALUES (?, ?, ?, ?, 'issued', NULL, ?, ?)`,
      {
        replacements: [couponId, campaignId, accountId, code, now, now],
        type: QueryTypes.INSERT,
        transaction,
      },
    );
  } catch (err) {
    if (err instanceof UniqueConstraintError)
      throw conflict("ALREADY_CLAIMED", "You already have a coupon from this campaign.");
    throw err;
  }
  return { couponId, code, campaignId, status: "issued" };
}
