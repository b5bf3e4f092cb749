/**
 * A coupon follows the appointment it was booked with, on the durable road fed
 * by the day's outbox, so every change reaches it once whatever node or
 * client made it (followAppointment in coupon-rules.ts decides):
 *
 * - booked, or confirmed (its deposit paid): the coupon its booking holds is
 *   used. The booking front and the payment saga do this at once too; this
 *   road catches a front that crashed or timed out between the seat and the coupon;
 * - expired (a held seat's deposit never paid, or its order never opened):
 *   the coupon still held goes back;
 * - cancelled: the patient did not get the visit, so the coupon it used (or
 *   still held) is theirs to use again, while its campaign lasts.
 */
import type { Appointment } from "../day/decisions/day-state";
import type { Consumer } from "../outbox/consumers";
import type { AppointmentEnd } from "./coupon-rules";
import { followAppointment } from "./coupon-rules";
import type { CouponStore } from "./coupon-store";

const FOLLOWED = ["booked", "confirmed", "cancelled", "expired"] as const satisfies readonly AppointmentEnd[];

export function couponFollows(store: CouponStore, now: () => number): Consumer {
  return {
    name: "coupons.follow",
    eventTypes: FOLLOWED.map((end) => `appointment.${end}`),
    // Most bookings carry no coupon: their events cost this consumer nothing.
    concerns: (e) => Boolean((e.payload as Appointment).couponCode),
    async handleBatch(events, transaction) {
      for (const e of events) {
        const a = e.payload as Appointment;
        const coupon = await store.byCode(a.couponCode ?? "", transaction);
        if (!coupon) continue;
        const next = followAppointment(coupon, e.type.slice("appointment.".length) as AppointmentEnd, {
          id: a.id,
          couponRef: a.couponRef ?? null,
        });
        if (next === "same") continue;
        const moved = await store.move(
          coupon.id,
          coupon.status,
          coupon.heldBy,
          next.status,
          next.heldBy,
          now(),
          transaction,
        );
        // Changed since it was read (the booking front made the same move): the batch is retried
        // event by event on what the coupon is then, which is most often "same".
        if (!moved) throw new Error(`Coupon ${a.couponCode} changed while following appointment ${a.id}`);
      }
    },
  };
}
