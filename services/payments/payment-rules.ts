/**
 * What a deposit decides, with no I/O: the gateway's fee, and how much of a
 * paid deposit a cancellation gets back under the hospital's policy (all of
 * it until `fullRefundHoursBefore` the appointment, then a percentage; a
 * no-show keeps it). Pure.
 */
export interface PaymentSettings {
  depositAmount: number;
  fullRefundHoursBefore: number;
  lateCancelRefundPercent: number;
}

export const NO_DEPOSIT: PaymentSettings = {
  depositAmount: 0,
  fullRefundHoursBefore: 24,
  lateCancelRefundPercent: 50,
};

/** The gateway's fee on `amount`, rounded down to the won. */
export function pgFee(amount: number, percent: number): number {
  return Math.floor((amount * percent) / 100);
}

/** The refund of a paid `amount` cancelled at `now` for an appointment starting at `startsAt` (epoch ms). */
export function refundFor(policy: PaymentSettings, amount: number, startsAt: number, now: number): number {
  const hoursBefore = (startsAt - now) / 3_600_000;
  if (hoursBefore >= policy.fullRefundHoursBefore) return amount;
  return Math.floor((amount * policy.lateCancelRefundPercent) / 100);
}
