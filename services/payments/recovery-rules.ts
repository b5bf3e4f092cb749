/**
 * What the recovery sweep does with one order, decided from what is known:
 * the order's persisted status (the saga's state), what the gateway says it
 * holds under the order's paymentKey, and whether the booking's hold is still
 * alive. Pure: no Moleculer, no database, time passed in.
 */
import type { GatewayPayment } from "./gateways/gateway";
import type { PaymentStatus } from "./payment-store";

/** The booking's seat: still held for payment, already booked, or gone (lapsed, expired, cancelled). */
export type Hold = "alive" | "booked" | "gone";

/** The gateway's record, as the saga needs it; `unknown` when it could not be asked or has not settled. */
export type GatewayAnswer = "charged" | "refunded" | "not-charged" | "unknown";

/**
 * `finish`: book the seat (coupon used), order paid. `refund`: give the money
 * back (seat and coupon released), order refunded. `reopen`: back to pending,
 * payable again. `expire`: seat and coupon released, order expired. `wait`:
 * ask again at the next sweep. `none`: nothing to do.
 */
export type RecoveryStep = "finish" | "refund" | "reopen" | "expire" | "wait" | "none";

export function holdOf(a: { status: string; holdExpiresAt: number | null }, now: number): Hold {
  if (a.status === "booked") return "booked";
  if (a.status === "pending" && (a.holdExpiresAt === null || a.holdExpiresAt > now)) return "alive";
  return "gone";
}

export function answerOf(found: GatewayPayment | null, orderId: string): GatewayAnswer {
  // A key that charged some other order charged nothing for this one.
  if (found === null || found.orderId !== orderId) return "not-charged";
  switch (found.status) {
    case "DONE":
      return "charged";
    case "CANCELED":
    case "PARTIAL_CANCELED":
      return "refunded";
    case "ABORTED":
    case "EXPIRED":
      return "not-charged";
    case "READY":
    case "IN_PROGRESS":
    case "WAITING_FOR_DEPOSIT":
      return "unknown";
  }
}

/**
 * How long a `confirming` order may be someone's confirm in flight: the
 * gateway adapter's worst case (three confirm attempts, then three look-ups,
 * each up to the timeout, plus backoff) and some slack. Before that, asking
 * the gateway could read "not charged" just before the live request charges.
 */
export const confirmStaleMs = (gatewayTimeoutMs: number): number => 6 * gatewayTimeoutMs + 10_000;

export function nextStep(
  status: PaymentStatus,
  stale: boolean,
  answer: GatewayAnswer | null,
  hold: Hold,
): RecoveryStep {
  switch (status) {
    case "pending":
      // The hold lapsed and its expiry event never reached us (or came before the order existed).
      return hold === "gone" ? "expire" : "none";
    case "confirming":
      if (!stale || answer === null || answer === "unknown") return "wait";
      if (answer === "charged") return hold === "gone" ? "refund" : "finish";
      // Cancelled at the gateway already: a crash came between the refund and its record.
      if (answer === "refunded") return "refund";
      // Nothing charged: payable again while the seat is the patient's.
      return hold === "gone" ? "expire" : "reopen";
    case "paid":
    case "declined":
    case "expired":
    case "refunded":
      return "none";
  }
}
