/**
 * What a hospital is owed for a day, as pure arithmetic over whole won: no
 * database, no clock. The batch computes the same sums in SQL (GROUP BY) and
 * finishes each row with {@link totalsOf}; the property tests hold the two to
 * this module's {@link settleDay}.
 */

/** The PG's commission on what the patient paid: 3.3 %, the common Korean card rate. */
export const DEFAULT_PG_FEE_RATE = 0.033;

/**
 * Rates are applied in parts per million so the fee is exact integer
 * arithmetic: `Math.floor(1000 * 0.033)` would be 32 (0.033 is 0.0329999… in
 * binary), this gives 33.
 */
const PPM = 1_000_000;

/** Payment statuses whose money moved (a refunded payment was paid first; its refund is counted on its own). */
export const SETTLED_STATUSES = ["paid", "refunded"] as const;
export type PaymentStatus = "pending" | "paid" | "declined" | "expired" | "refunded";

/**
 * The PG fee on a charged `amount`, rounded down to the won. The payment flow
 * stores it in `payments.pg_fee` when a payment is confirmed; settlement sums it.
 *
 * @example pgFee(10_000) // 330
 * @example pgFee(10_000, 0.025) // 250
 */
export function pgFee(amount: number, rate: number = DEFAULT_PG_FEE_RATE): number {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new RangeError(`amount must be whole won ≥ 0 (got ${amount})`);
  if (!Number.isFinite(rate) || rate < 0 || rate >= 1)
    throw new RangeError(`rate must be in [0, 1) (got ${rate})`);
  const ppm = Math.round(rate * PPM);
  // amount × ppm stays a safe integer for any amount below ~9 × 10^9 won at rates under 100 %.
  return Math.floor((amount * ppm) / PPM);
}

/** One payment as settlement sees it. */
export interface PaymentFact {
  hospitalId: number;
  /** Hospital-local YYYY-MM-DD the money moved; null while it has not. */
  settleDate: string | null;
  status: PaymentStatus;
  gross: number;
  discount: number;
  pgFee: number;
}

/** One refund: counted on the day it happened, whatever day its payment was. */
export interface RefundFact {
  hospitalId: number;
  settleDate: string;
  amount: number;
}

/** The sums over a hospital-day's settled payments, before refunds. */
export interface PaymentSums {
  payments: number;
  gross: number;
  discounts: number;
  pgFees: number;
}

/** A settlement row's figures (API.md): `net = gross − refunds − discounts − pgFees`. */
export interface SettlementTotals extends PaymentSums {
  refunds: number;
  net: number;
}

export const NO_PAYMENTS: PaymentSums = { payments: 0, gross: 0, discounts: 0, pgFees: 0 };

/** Completes a row from its payment sums and refunded amount. */
export function totalsOf(sums: PaymentSums, refunds: number): SettlementTotals {
  return { ...sums, refunds, net: sums.gross - refunds - sums.discounts - sums.pgFees };
}

export const isSettled = (status: PaymentStatus): boolean =>
  (SETTLED_STATUSES as readonly string[]).includes(status);

/**
 * Every hospital's row for `date`, keyed by hospital id: hospitals with a
 * settled payment or a refund that day, and no others.
 */
export function settleDay(
  date: string,
  payments: readonly PaymentFact[],
  refunds: readonly RefundFact[],
): Map<number, SettlementTotals> {
  const sums = new Map<number, PaymentSums>();
  const refunded = new Map<number, number>();
  for (const p of payments) {
    if (p.settleDate !== date || !isSettled(p.status)) continue;
    const s = sums.get(p.hospitalId) ?? NO_PAYMENTS;
    sums.set(p.hospitalId, {
      payments: s.payments + 1,
      gross: s.gross + p.gross,
      discounts: s.discounts + p.discount,
      pgFees: s.pgFees + p.pgFee,
    });
  }
  for (const r of refunds) {
    if (r.settleDate !== date) continue;
    refunded.set(r.hospitalId, (refunded.get(r.hospitalId) ?? 0) + r.amount);
  }
  const rows = new Map<number, SettlementTotals>();
  const hospitals = [...new Set([...sums.keys(), ...refunded.keys()])].sort((a, b) => a - b);
  for (const id of hospitals) rows.set(id, totalsOf(sums.get(id) ?? NO_PAYMENTS, refunded.get(id) ?? 0));
  return rows;
}
