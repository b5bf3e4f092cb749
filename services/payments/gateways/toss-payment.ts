/** Reads Toss' Payment object into the port's `GatewayPayment`, refusing a body that is not one. */
import { GatewayUnavailableError } from "./gateway";
import type { GatewayCancel, GatewayPayment, GatewayPaymentStatus } from "./gateway";

const STATUSES: ReadonlySet<string> = new Set<GatewayPaymentStatus>([
  "READY",
  "IN_PROGRESS",
  "WAITING_FOR_DEPOSIT",
  "DONE",
  "CANCELED",
  "PARTIAL_CANCELED",
  "ABORTED",
  "EXPIRED",
]);

/**
 * The fields the port keeps from a Toss Payment object. A 2xx whose body is not
 * a payment leaves the outcome unknown, so it is an unavailable answer, not a crash.
 */
export function toGatewayPayment(json: unknown): GatewayPayment {
  const p = (typeof json === "object" && json !== null ? json : {}) as Record<string, unknown>;
  if (
    typeof p.paymentKey !== "string" ||
    typeof p.orderId !== "string" ||
    typeof p.status !== "string" ||
    !STATUSES.has(p.status) ||
    typeof p.totalAmount !== "number" ||
    typeof p.balanceAmount !== "number"
  ) {
    throw new GatewayUnavailableError(
      "Payment gateway answered with something that is not a payment",
      "server",
      "unknown",
    );
  }
  const payment: GatewayPayment = {
    paymentKey: p.paymentKey,
    orderId: p.orderId,
    status: p.status as GatewayPaymentStatus,
    totalAmount: p.totalAmount,
    balanceAmount: p.balanceAmount,
  };
  if (typeof p.approvedAt === "string") payment.approvedAt = p.approvedAt;
  if (Array.isArray(p.cancels)) payment.cancels = p.cancels.map(toCancel);
  return payment;
}

function toCancel(value: unknown): GatewayCancel {
  const c = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const cancel: GatewayCancel = {
    cancelAmount: typeof c.cancelAmount === "number" ? c.cancelAmount : 0,
    cancelReason: typeof c.cancelReason === "string" ? c.cancelReason : "",
    canceledAt: typeof c.canceledAt === "string" ? c.canceledAt : "",
  };
  if (typeof c.transactionKey === "string") cancel.transactionKey = c.transactionKey;
  return cancel;
}
