/**
 * Synthetic payment history for `npm run seed -- --payments N`, the settlement
 * benchmark and the tests: deterministic for a seed, spread uniformly over the
 * given hospitals and days, about 4 % refunded (some partly, on the day or up
 * to two days later), 8 % declined or expired. Written with multi-row INSERTs.
 */
import crypto from "node:crypto";
import type { Sequelize } from "sequelize";
import type { PaymentFact, PaymentStatus, RefundFact } from "./settlement-rules";
import { pgFee } from "./settlement-rules";
import { addDays } from "../../platform/time";
import { randomSource } from "../../scripts/demo/generate";

export interface HistoryOptions {
  hospitalIds: readonly number[];
  dates: readonly string[];
  /** How many payments. */
  count: number;
  seed?: number;
  /** Rows per INSERT statement. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface PaymentRow extends PaymentFact {
  orderId: string;
  appointmentId: string;
  amount: number;
}

export interface RefundRow extends RefundFact {
  id: string;
  orderId: string;
}

const DEPOSITS = [5_000, 10_000, 20_000, 30_000];

/** Yields the history in batches; `tag` keeps ids unique across seedings of one database. */
export function* paymentHistory(
  options: HistoryOptions,
  tag = crypto.randomBytes(4).toString("hex"),
): Generator<{ payments: PaymentRow[]; refunds: RefundRow[] }> {
  const rand = randomSource(options.seed ?? 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)];
  const batchSize = options.batchSize ?? 2000;
  for (let start = 0; start < options.count; start += batchSize) {
    const payments: PaymentRow[] = [];
    const refunds: RefundRow[] = [];
    for (let i = start; i < Math.min(options.count, start + batchSize); i++) {
      const roll = rand();
      const status: PaymentStatus =
        roll < 0.04 ? "declined" : roll < 0.08 ? "expired" : roll < 0.12 ? "refunded" : "paid";
      const gross = pick(DEPOSITS);
      const discount = rand() < 0.2 ? Math.min(gross, 1000 * (1 + Math.floor(rand() * 5))) : 0;
      const amount = gross - discount;
      const moved = status === "paid" || status === "refunded";
      const date = pick(options.dates);
      const orderId = `ord_${tag}_${i}`;
      const hospitalId = pick(options.hospitalIds);
      payments.push({
        orderId,
        appointmentId: `${tag}-0000-7000-8000-${i.toString(16).padStart(12, "0")}`,
        hospitalId,
        status,
        gross,
        discount,
        amount,
        pgFee: moved ? pgFee(amount) : 0,
        settleDate: moved ? date : null,
      });
      if (status === "refunded") {
        const partly = rand() < 0.5;
        refunds.push({
          id: `rf_${tag}_${i}`,
          orderId,
          hospitalId,
          amount: partly ? Math.floor(amount / 2) : amount,
          settleDate: addDays(date, Math.floor(rand() * 3)),
        });
      }
    }
    yield { payments, refunds };
  }
}

/** Inserts the history; returns how many payments and refunds were written. */
export async function insertPaymentHistory(
  sequelize: Sequelize,
  options: HistoryOptions,
  now = Date.now(),
): Promise<{ payments: number; refunds: number }> {
  const q = (s: string | null) => (s === null ? "NULL" : `'${s}'`);
  let paymentCount = 0;
  let refundCount = 0;
  for (const { payments, refunds } of paymentHistory(options)) {
    // Every value is a number or an id/date this module made from [0-9a-z_-]: safe to inline.
    const paymentValues = payments.map(
      (p) =>
        `(${q(p.orderId)}, ${q(p.appointmentId)}, ${p.hospitalId}, 1, ${p.gross}, ${p.discount}, ${p.amount}, ` +
        `${p.settleDate ? q(`pk_${p.orderId}`) : "NULL"}, ${q(p.status)}, ${p.pgFee}, ${p.settleDate ? now : "NULL"}, ` +
        `${q(p.settleDate)}, ${now}, ${now})`,
    );
    await sequelize.query(
      `INSERT INTO payments (order_id, appointment_id, hospital_id, account_id, gross, discount, amount, payment_key,
         status, pg_fee, approved_at, settle_date, created_at, updated_at) VALUES ${paymentValues.join(",")}`,
    );
    if (refunds.length > 0) {
      const refundValues = refunds.map(
        (r) => `(${q(r.id)}, ${q(r.orderId)}, ${r.hospitalId}, ${r.amount}, ${q(r.settleDate)}, ${now})`,
      );
      await sequelize.query(
        `INSERT INTO refunds (id, order_id, hospital_id, amount, settle_date, created_at) VALUES ${refundValues.join(",")}`,
      );
    }
    paymentCount += payments.length;
    refundCount += refunds.length;
    options.onProgress?.(paymentCount, options.count);
  }
  return { payments: paymentCount, refunds: refundCount };
}
