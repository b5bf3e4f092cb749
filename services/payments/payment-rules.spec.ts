import fc from "fast-check";
import { pgFee, refundFor } from "./payment-rules";

const policy = { depositAmount: 10_000, fullRefundHoursBefore: 24, lateCancelRefundPercent: 50 };
const HOUR = 3_600_000;

describe("deposit rules", () => {
  test("a cancellation early enough gets everything back, a late one the policy's share", () => {
    expect(refundFor(policy, 10_000, 48 * HOUR, 0)).toBe(10_000);
    expect(refundFor(policy, 10_000, 24 * HOUR, 0)).toBe(10_000);
    expect(refundFor(policy, 10_000, 23 * HOUR, 0)).toBe(5_000);
    expect(refundFor({ ...policy, lateCancelRefundPercent: 0 }, 10_000, HOUR, 0)).toBe(0);
  });

  test("a refund is never negative nor more than was paid; the fee never more than the amount", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 720 }),
        fc.integer({ min: -1000, max: 1000 }),
        (amount, percent, hours, startsInHours) => {
          const refund = refundFor(
            { depositAmount: amount, fullRefundHoursBefore: hours, lateCancelRefundPercent: percent },
            amount,
            startsInHours * HOUR,
            0,
          );
          expect(refund).toBeGreaterThanOrEqual(0);
          expect(refund).toBeLessThanOrEqual(amount);
          const fee = pgFee(amount, percent / 10);
          expect(fee).toBeGreaterThanOrEqual(0);
          expect(fee).toBeLessThanOrEqual(amount);
        },
      ),
    );
  });
});
