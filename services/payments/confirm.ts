/**
 * A patient's `POST /payments/confirm`: the order says what is under way
 * ("confirming") before the gateway is asked, so a crash or a lost answer is
 * resumed from it, by the next confirm or the recovery sweep (./recovery.ts).
 */
import { ClientError, RetryableError, conflict, notFound, unprocessable } from "../../platform/errors";
import { AlreadyProcessedError, GatewayUnavailableError, PaymentDeclinedError } from "./gateways";
import type { Payment } from "./payment-store";
import { recoverOrder } from "./recovery";
import { holdOf } from "./recovery-rules";
import type { Call, Saga } from "./saga";

export interface ConfirmParams {
  paymentKey: string;
  orderId: string;
  amount: number;
}

const declined = () =>
  new ClientError(402, "PAYMENT_DECLINED", "The card was declined; the seat and any coupon were released.");
const holdExpired = (refunded: boolean) =>
  conflict(
    "HOLD_EXPIRED",
    refunded
      ? "The hold lapsed before the payment completed; the charge was refunded."
      : "The hold lapsed before the payment; nothing was charged.",
  );
const inProgress = () =>
  new RetryableError("CONFIRM_IN_PROGRESS", "This order is being confirmed; retry in a moment.");

const paidAnswer = (p: Payment) => ({
  appointmentId: p.appointmentId,
  status: "booked",
  payment: { orderId: p.orderId, amount: p.amount, status: "paid" },
});

/** The answer an order that reached an end gives to every later confirm. */
function settled(p: Payment) {
  if (p.status === "paid") return paidAnswer(p);
  if (p.status === "declined") throw declined();
  if (p.status === "expired" || p.status === "refunded") throw holdExpired(p.status === "refunded");
  return null;
}

/** Confirms order `orderId` for `accountId`: gateway first, then the booking; compensates on failure. */
export async function confirmOrder(
  saga: Saga,
  call: Call,
  params: ConfirmParams,
  accountId: number,
  staleMs: number,
) {
  let p = await saga.store.byOrder(params.orderId);
  if (!p || p.accountId !== accountId) throw notFound("Order", params.orderId);
  if (params.amount !== p.amount)
    throw unprocessable("AMOUNT_MISMATCH", `The order is for ${p.amount} won.`, {
      field: "amount",
      expected: p.amount,
    });
  if (p.status === "confirming") {
    // An earlier attempt's answer was lost (or its node died): once it cannot be live, the gateway decides.
    await recoverOrder(saga, call, p, staleMs);
    p = (await saga.store.byOrder(params.orderId)) ?? p;
    if (p.status === "confirming") throw inProgress();
  }
  const answer = settled(p);
  if (answer) return answer;

  const a = await saga.appointment(call, p.appointmentId);
  if (holdOf(a, saga.now()) !== "alive") {
    await saga.expire(call, p, a, ["pending"]);
    throw holdExpired(false);
  }
  if (
    !(await saga.store.move(p.orderId, ["pending"], "confirming", saga.now(), {
      paymentKey: params.paymentKey,
    }))
  )
    throw inProgress();
  const charging = { ...p, paymentKey: params.paymentKey, status: "confirming" as const };
  try {
    await saga.gateway().confirm({ paymentKey: params.paymentKey, orderId: p.orderId, amount: p.amount });
  } catch (err) {
    if (err instanceof PaymentDeclinedError) {
      await saga.decline(call, charging, a);
      throw declined();
    }
    saga.count("error");
    // The money may have moved (or this key was used before): the order stays "confirming" and
    // the gateway's record decides later; the patient gets a retryable 503 (or the 409) meanwhile.
    const unknown =
      (err instanceof GatewayUnavailableError && err.outcome === "unknown") ||
      err instanceof AlreadyProcessedError;
    // Anything else charged nothing (the circuit was open, the gateway refused the request): payable again.
    if (!unknown) await saga.reopen(charging);
    throw err;
  }
  if ((await saga.finish(call, charging, a)) === "refunded") throw holdExpired(true);
  return paidAnswer(p);
}
