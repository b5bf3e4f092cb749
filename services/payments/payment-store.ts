/** The payments domain's tables: hospitals' deposit settings, payment orders and refunds. */
import { QueryTypes } from "sequelize";
import type { Sequelize, Transaction } from "sequelize";
import type { PaymentSettings } from "./payment-rules";
import { NO_DEPOSIT } from "./payment-rules";

/**
 * pending → confirming → paid | declined | expired | refunded (charged after the hold lapsed), or
 * back to pending (nothing charged); paid → refunded. "confirming" is set before the gateway is
 * asked, so an order found in it is an attempt whose outcome must be learned from the gateway.
 */
export type PaymentStatus = "pending" | "confirming" | "paid" | "declined" | "expired" | "refunded";

export interface Payment {
  orderId: string;
  appointmentId: string;
  hospitalId: number;
  accountId: number;
  gross: number;
  discount: number;
  amount: number;
  paymentKey: string | null;
  status: PaymentStatus;
  coupon: { code: string; ref: string } | null;
  createdAt: number;
  /** When the status last moved: a "confirming" order this old is no longer anyone's live attempt. */
  updatedAt: number;
}

interface Row {
  order_id: string;
  appointment_id: string;
  hospital_id: number;
  account_id: number;
  gross: number;
  discount: number;
  amount: number;
  payment_key: string | null;
  status: PaymentStatus;
  coupon_code: string | null;
  coupon_ref: string | null;
  created_at: number | string;
  updated_at: number | string;
}

const paymentOf = (r: Row): Payment => ({
  orderId: r.order_id,
  appointmentId: r.appointment_id,
  hospitalId: Number(r.hospital_id),
  accountId: Number(r.account_id),
  gross: Number(r.gross),
  discount: Number(r.discount),
  amount: Number(r.amount),
  paymentKey: r.payment_key,
  status: r.status,
  coupon: r.coupon_code && r.coupon_ref ? { code: r.coupon_code, ref: r.coupon_ref } : null,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export class PaymentStore {
  constructor(private readonly sequelize: Sequelize) {}

  async settings(hospitalId: number): Promise<PaymentSettings> {
    const [row] = await this.select<{
      deposit_amount: number;
      full_refund_hours_before: number;
      late_cancel_refund_percent: number;
    }>(
      "SELECT deposit_amount, full_refund_hours_before, late_cancel_refund_percent FROM payment_settings WHERE hospital_id = ?",
      [hospitalId],
    );
    if (!row) return NO_DEPOSIT;
    return {
      depositAmount: Number(row.deposit_amount),
      fullRefundHoursBefore: Number(row.full_refund_hours_before),
      lateCancelRefundPercent: Number(row.late_cancel_refund_percent),
    };
  }

  async saveSettings(hospitalId: number, s: PaymentSettings, now: number): Promise<void> {
    await this.sequelize.getQueryInterface().bulkInsert(
      "payment_settings",
      [
        {
          hospital_id: hospitalId,
          deposit_amount: s.depositAmount,
          full_refund_hours_before: s.fullRefundHoursBefore,
          late_cancel_refund_percent: s.lateCancelRefundPercent,
          updated_at: now,
        },
      ],
      {
        updateOnDuplicate: [
          "deposit_amount",
          "full_refund_hours_before",
          "late_cancel_refund_percent",
          "updated_at",
        ],
        upsertKeys: ["hospital_id"],
      } as object,
    );
  }

  /** Opens the order of a held booking; opening the same booking's order again returns the first. */
  async open(p: Omit<Payment, "paymentKey" | "status" | "updatedAt">): Promise<Payment> {
    const existing = await this.byAppointment(p.appointmentId);
    if (existing) return existing;
    await this.sequelize.getQueryInterface().bulkInsert("payments", [
      {
        order_id: p.orderId,
        appointment_id: p.appointmentId,
        hospital_id: p.hospitalId,
        account_id: p.accountId,
        gross: p.gross,
        discount: p.discount,
        amount: p.amount,
        payment_key: null,
        status: "pending",
        coupon_code: p.coupon?.code ?? null,
        coupon_ref: p.coupon?.ref ?? null,
        pg_fee: 0,
        created_at: p.createdAt,
        updated_at: p.createdAt,
      },
    ]);
    return { ...p, paymentKey: null, status: "pending", updatedAt: p.createdAt };
  }

  async byOrder(orderId: string): Promise<Payment | null> {
    const rows = await this.select<Row>("SELECT * FROM payments WHERE order_id = ?", [orderId]);
    return rows.length === 0 ? null : paymentOf(rows[0]);
  }

  async byAppointment(appointmentId: string): Promise<Payment | null> {
    const rows = await this.select<Row>("SELECT * FROM payments WHERE appointment_id = ?", [appointmentId]);
    return rows.length === 0 ? null : paymentOf(rows[0]);
  }

  /** Moves an order from `from` to `to` only if it is still in `from`; answers whether it moved. */
  async move(
    orderId: string,
    from: PaymentStatus[],
    to: PaymentStatus,
    now: number,
    fields: { paymentKey?: string; pgFee?: number; approvedAt?: number; settleDate?: string } = {},
    transaction?: Transaction,
  ): Promise<boolean> {
    const sets = ["status = ?", "updated_at = ?"];
    const values: unknown[] = [to, now];
    const columns = {
      payment_key: fields.paymentKey,
      pg_fee: fields.pgFee,
      approved_at: fields.approvedAt,
      settle_date: fields.settleDate,
    };
    for (const [column, value] of Object.entries(columns)) {
      if (value === undefined) continue;
      sets.push(`${column} = ?`);
      values.push(value);
    }
    const [, changed] = await this.sequelize.query(
      `UPDATE payments SET ${sets.join(", ")} WHERE order_id = ? AND status IN (${from.map(() => "?").join(",")})`,
      { replacements: [...values, orderId, ...from], type: QueryTypes.UPDATE, transaction },
    );
    return Number(changed) === 1;
  }

  async addRefund(
    r: {
      id: string;
      orderId: string;
      hospitalId: number;
      amount: number;
      settleDate: string;
      at: number;
    },
    transaction?: Transaction,
  ) {
    const ignore = this.sequelize.getDialect() === "mysql" ? "INSERT IGNORE" : "INSERT OR IGNORE";
    await this.sequelize.query(
      `${ignore} INTO refunds (id, order_id, hospital_id, amount, settle_date, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
      {
        replacements: [r.id, r.orderId, r.hospitalId, r.amount, r.settleDate, r.at],
        type: QueryTypes.INSERT,
        transaction,
      },
    );
  }

  /**
   * A page of orders the recovery sweep must look at, oldest first after
   * `after`: attempts in "confirming" since before `confirmingBefore`, and
   * "pending" orders opened before `pendingBefore` (their hold may have lapsed).
   */
  async stuck(
    q: { confirmingBefore: number; pendingBefore: number; limit: number },
    after: { createdAt: number; orderId: string } | null = null,
  ): Promise<Payment[]> {
    const page = after ? "AND (created_at > ? OR (created_at = ? AND order_id > ?))" : "";
    const rows = await this.select<Row>(
      `SELECT * FROM payments WHERE ((status = 'confirming' AND updated_at <= ?) OR (status = 'pending' AND created_at <= ?)) ${page} ORDER BY created_at, order_id LIMIT ?`,
      [
        q.confirmingBefore,
        q.pendingBefore,
        ...(after ? [after.createdAt, after.createdAt, after.orderId] : []),
        q.limit,
      ],
    );
    return rows.map(paymentOf);
  }

  private select<T extends object>(sql: string, replacements: unknown[]): Promise<T[]> {
    return this.sequelize.query<T>(sql, { replacements, type: QueryTypes.SELECT });
  }
}
