/**
 * A cancelled booking's deposit: an unpaid order closes (coupon back), a paid
 * one is refunded by the hospital's policy as it stood at the moment of the
 * cancellation. Two roads lead here: the cancel request, which answers with
 * the refund, and the durable `appointment.cancelled` event, which finishes
 * what a crash between the day's cancel and the refund left undone (or a
 * cancel by staff, or by the day itself). Whichever comes first moves the
 * order; the other finds nothing left to do, and the gateway's refund carries
 * one idempotency key per order, so it is never made twice.
 */
import { zonedInstant } from "../../platform/time";
import type { Appointment } from "../day/decisions/day-state";
import type { Consumer } from "../outbox/consumers";
import { refundFor } from "./payment-rules";
import type { PaymentStore } from "./payment-store";
import type { Call, Saga } from "./saga";

export interface RefundAnswer {
  amount: number;
  status: string;
}

/** Settles the deposit of cancelled appointment `a`; answers the refund, if one was made now. */
export async function settleCancelled(
  saga: Saga,
  store: PaymentStore,
  call: Call,
  a: Appointment,
): Promise<RefundAnswer | null> {
  const p = await store.byAppointment(a.id);
  if (!p) return null;
  // The booking is cancelled already, so there is no seat to give back, only the coupon.
  if (p.status === "pending") await saga.expire(call, p, null, ["pending"]);
  if (p.status !== "paid") return null;
  const { timeZone } = (await call("hospitals.timeZone", { hospitalId: p.hospitalId })) as {
    timeZone: string;
  };
  const startsAt = zonedInstant(a.date, a.start, timeZone).getTime();
  // The cancellation's own time, not the refund's: a late redelivery must not shrink the refund.
  const cancelledAt = a.status === "cancelled" ? a.updatedAt : saga.now();
  return saga.refund(call, p, {
    amount: refundFor(await store.settings(p.hospitalId), p.amount, startsAt, cancelledAt),
    reason: "cancelled by the patient",
    from: ["paid"],
  });
}

/** The durable road: every cancelled booking's deposit is settled, once, whatever cancelled it. */
export function cancellationsConsumer(saga: Saga, store: PaymentStore, call: () => Call): Consumer {
  return {
    name: "payments.cancellations",
    eventTypes: ["appointment.cancelled"],
    async handleBatch(events) {
      for (const e of events) await settleCancelled(saga, store, call(), e.payload as Appointment);
    },
  };
}
