/**
 * A cancelled appointment gives its coupon back: the patient did not get
 * the visit the coupon paid for, so it is theirs to use again (while its
 * campaign lasts). This is the durable road, fed by the day's outbox, so
 * every cancellation returns its coupon once, whatever cancelled it — the
 * patient, the hospital's staff, or a paid deposit refunded.
 *
 * A booking whose deposit was never paid had its coupon only reserved; the
 * payment saga releases that one when it closes the order, and `return`
 * leaves it alone.
 */
import type { Appointment } from "../day/decisions/day-state";
import type { Consumer } from "../outbox/consumers";
import { decideMove } from "./coupon-rules";
import type { CouponStore } from "./coupon-store";

export function couponReturns(store: CouponStore, now: () => number): Consumer {
  return {
    name: "coupons.returns",
    eventTypes: ["appointment.cancelled"],
    async handleBatch(events, transaction) {
      for (const e of events) {
        const a = e.payload as Appointment;
        if (!a.couponCode) continue;
        const coupon = await store.byCode(a.couponCode, transaction);
        const next = coupon && decideMove(coupon, "return", "", a.id);
        if (!coupon || !next || next === "same") continue;
        await store.move(
          coupon.id,
          coupon.status,
          coupon.heldBy,
          next.status,
          next.heldBy,
          now(),
          transaction,
        );
      }
    },
  };
}
