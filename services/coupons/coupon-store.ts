/** The coupon domain's tables: campaigns, and the coupons claims became. */
import { QueryTypes } from "sequelize";
import type { Sequelize, Transaction } from "sequelize";
import type { Campaign, CouponStatus, Discount } from "./coupon-rules";

interface CampaignRow {
  id: number;
  name: string;
  discount_type: Discount["type"];
  discount_value: number;
  quantity: number;
  starts_at: number | string | null;
  ends_at: number | string | null;
  hospital_id: number | null;
}

export interface Coupon {
  id: string;
  campaignId: number;
  accountId: number;
  code: string;
  status: CouponStatus;
  heldBy: string | null;
}

/** A claim as the event log carries it, on its way to becoming a row. */
export interface ClaimedCoupon {
  couponId: string;
  campaignId: number;
  accountId: number;
  code: string;
  at: number;
}

interface CouponRow {
  id: string;
  campaign_id: number;
  account_id: number;
  code: string;
  status: CouponStatus;
  held_by: string | null;
}

const couponOf = (r: CouponRow): Coupon => ({
  id: r.id,
  campaignId: Number(r.campaign_id),
  accountId: Number(r.account_id),
  code: r.code,
  status: r.status,
  heldBy: r.held_by,
});

const orNull = (v: number | string | null) => (v === null ? null : Number(v));

const campaignOf = (r: CampaignRow): Campaign => ({
  id: Number(r.id),
  name: r.name,
  discount: { type: r.discount_type, value: Number(r.discount_value) },
  quantity: Number(r.quantity),
  startsAt: orNull(r.starts_at),
  endsAt: orNull(r.ends_at),
  hospitalId: r.hospital_id === null ? null : Number(r.hospital_id),
});

export class CouponStore {
  constructor(private readonly sequelize: Sequelize) {}

  async createCampaign(c: Omit<Campaign, "id">, createdBy: number, now: number): Promise<Campaign> {
    const [id] = await this.sequelize.query(
      "INSERT INTO coupon_campaigns (name, discount_type, discount_value, quantity, starts_at, ends_at, hospital_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {
        replacements: [
          c.name,
          c.discount.type,
          c.discount.value,
          c.quantity,
          c.startsAt,
          c.endsAt,
          c.hospitalId,
          createdBy,
          now,
        ],
        type: QueryTypes.INSERT,
      },
    );
    return { ...c, id: Number(id) };
  }

  async campaign(id: number): Promise<Campaign | null> {
    const rows = await this.select<CampaignRow>("SELECT * FROM coupon_campaigns WHERE id = ?", [id]);
    return rows.length === 0 ? null : campaignOf(rows[0]);
  }

  async openCampaignIds(now: number): Promise<number[]> {
    const rows = await this.select<{ id: number }>(
      "SELECT id FROM coupon_campaigns WHERE ends_at IS NULL OR ends_at > ?",
      [now],
    );
    return rows.map((r) => Number(r.id));
  }

  /** Coupons issued for a campaign, by account: what the claim counter is rebuilt from. */
  async claimsOf(campaignId: number): Promise<Map<number, string>> {
    const rows = await this.select<{ id: string; account_id: number; code: string }>(
      "SELECT id, account_id, code FROM coupons WHERE campaign_id = ?",
      [campaignId],
    );
    return new Map(rows.map((r) => [Number(r.account_id), `${r.id}.${r.code}`]));
  }

  async issuedCount(campaignId: number): Promise<number> {
    const [row] = await this.select<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM coupons WHERE campaign_id = ?",
      [campaignId],
    );
    return Number(row.n);
  }

  /** Writes claims as coupon rows; a claim already written (a redelivery) is skipped by its unique key. */
  async persist(claims: readonly ClaimedCoupon[], transaction: Transaction): Promise<void> {
    if (claims.length === 0) return;
    const ignore = this.sequelize.getDialect() === "mysql" ? "INSERT IGNORE" : "INSERT OR IGNORE";
    await this.sequelize.query(
      `${ignore} INTO coupons (id, campaign_id, account_id, code, status, held_by, issued_at, updated_at) VALUES ${claims
        .map(() => "(?, ?, ?, ?, 'issued', NULL, ?, ?)")
        .join(", ")}`,
      {
        replacements: claims.flatMap((c) => [c.couponId, c.campaignId, c.accountId, c.code, c.at, c.at]),
        type: QueryTypes.INSERT,
        transaction,
      },
    );
  }

  async couponsOf(accountId: number): Promise<(Coupon & { discount: Discount })[]> {
    const rows = await this.select<CouponRow & { discount_type: Discount["type"]; discount_value: number }>(
      `SELECT c.id, c.campaign_id, c.account_id, c.code, c.status, c.held_by, k.discount_type, k.discount_value
         FROM coupons c JOIN coupon_campaigns k ON k.id = c.campaign_id WHERE c.account_id = ? ORDER BY c.issued_at DESC`,
      [accountId],
    );
    return rows.map((r) => ({
      ...couponOf(r),
      discount: { type: r.discount_type, value: Number(r.discount_value) },
    }));
  }

  async byCode(code: string, transaction?: Transaction): Promise<Coupon | null> {
    const rows = await this.select<CouponRow>(
      "SELECT id, campaign_id, account_id, code, status, held_by FROM coupons WHERE code = ?",
      [code],
      transaction,
    );
    return rows.length === 0 ? null : couponOf(rows[0]);
  }

  /** Moves a coupon from one status to the next only if it is still where the caller saw it. */
  async move(
    id: string,
    from: CouponStatus,
    fromHeldBy: string | null,
    to: CouponStatus,
    heldBy: string | null,
    now: number,
    transaction?: Transaction,
  ): Promise<boolean> {
    const [, changed] = await this.sequelize.query(
      `UPDATE coupons SET status = ?, held_by = ?, updated_at = ? WHERE id = ? AND status = ? AND ${fromHeldBy === null ? "held_by IS NULL" : "held_by = ?"}`,
      {
        replacements: [to, heldBy, now, id, from, ...(fromHeldBy === null ? [] : [fromHeldBy])],
        type: QueryTypes.UPDATE,
        transaction,
      },
    );
    return Number(changed) === 1;
  }

  private select<T extends object>(
    sql: string,
    replacements: unknown[],
    transaction?: Transaction,
  ): Promise<T[]> {
    return this.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT, transaction });
  }
}
