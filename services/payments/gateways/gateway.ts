/**
 * The payment gateway port: what the payments service and the booking saga
 * call, whatever gateway sits behind it (Toss Payments, the project's sandbox).
 * Every outcome other than an answer is one of the typed errors below, so the
 * caller's decision (release the seat, ask again, refund) is a `switch` on type.
 */
import { Errors } from "moleculer";
import { ClientError, RetryableError } from "../../../platform/errors";

/** Toss Payments' payment statuses; the saga only ever sees the last four after a confirm. */
export type GatewayPaymentStatus =
  | "READY"
  | "IN_PROGRESS"
  | "WAITING_FOR_DEPOSIT"
  | "DONE"
  | "CANCELED"
  | "PARTIAL_CANCELED"
  | "ABORTED"
  | "EXPIRED";

/** One refund of a payment, as the gateway recorded it (settlement counts refunds by `canceledAt`). */
export interface GatewayCancel {
  cancelAmount: number;
  cancelReason: string;
  /** ISO 8601 with offset, as Toss writes it. */
  canceledAt: string;
  transactionKey?: string;
}

/** A payment as the gateway knows it. Amounts are whole won. */
export interface GatewayPayment {
  paymentKey: string;
  orderId: string;
  status: GatewayPaymentStatus;
  totalAmount: number;
  /** What is left to refund: `totalAmount` minus every cancel. */
  balanceAmount: number;
  approvedAt?: string;
  cancels?: GatewayCancel[];
}

export interface ConfirmRequest {
  paymentKey: string;
  orderId: string;
  amount: number;
}

export interface CancelRequest {
  cancelReason: string;
  /** Omitted: refund the whole balance. */
  cancelAmount?: number;
}

/** The port. Implementations: ./toss.ts (Toss Payments' v1 API, which the sandbox speaks too). */
export interface PaymentGateway {
  /**
   * Captures an authorised payment. Resolves with the payment (status `DONE`);
   * rejects with `PaymentDeclinedError` (a definite no: nothing charged),
   * `AlreadyProcessedError`, `GatewayUnavailableError` (see its `outcome`),
   * `PaymentNotFoundError`, `GatewayRequestError` or `GatewayAuthError`.
   */
  confirm(request: ConfirmRequest): Promise<GatewayPayment>;
  /**
   * Refunds all or part of a payment. The same `idempotencyKey` makes a retry
   * the same refund, never a second one.
   */
  cancel(paymentKey: string, request: CancelRequest, idempotencyKey: string): Promise<GatewayPayment>;
  /** The payment, or null when the gateway has none under that key (nothing was charged). */
  get(paymentKey: string): Promise<GatewayPayment | null>;
}

/** Details every gateway error carries: the gateway's own code, for logs and the saga's record. */
export interface GatewayErrorDetails {
  gatewayCode?: string;
  [key: string]: unknown;
}

/** The card or account was refused: a definite no, nothing was charged. Patient-facing 402. */
export class PaymentDeclinedError extends ClientError {
  constructor(message: string, details: GatewayErrorDetails = {}) {
    super(402, "PAYMENT_DECLINED", message, details);
  }
}

/** The gateway already processed this payment (confirmed or cancelled) under another request. */
export class AlreadyProcessedError extends ClientError {
  constructor(message: string, details: GatewayErrorDetails = {}) {
    super(409, "ALREADY_PROCESSED_PAYMENT", message, details);
  }
}

/** The gateway has no such payment (or checkout session) to confirm or cancel. */
export class PaymentNotFoundError extends ClientError {
  constructor(message: string, details: GatewayErrorDetails = {}) {
    super(404, "PAYMENT_NOT_FOUND", message, details);
  }
}

/** The gateway refused the request itself (bad amount, not cancelable, …): retrying will not help. */
export class GatewayRequestError extends ClientError {
  constructor(message: string, details: GatewayErrorDetails = {}) {
    super(422, "PAYMENT_REJECTED", message, details);
  }
}

/**
 * What is known about the money when the gateway could not be heard:
 * `not-charged` (the request never left, or the gateway says it has no such
 * payment) or `unknown` (ask `get` later before deciding).
 */
export type UnavailableOutcome = "not-charged" | "unknown";

/** Why the gateway could not be heard. */
export type UnavailableReason = "timeout" | "network" | "server" | "circuit-open";

/** 5xx, network failure, timeout (after the safe retries), or the circuit breaker open. */
export class GatewayUnavailableError extends RetryableError {
  readonly outcome: UnavailableOutcome;
  readonly reason: UnavailableReason;

  constructor(
    message: string,
    reason: UnavailableReason,
    outcome: UnavailableOutcome,
    details: GatewayErrorDetails = {},
  ) {
    super("PAYMENT_GATEWAY_UNAVAILABLE", message, { ...details, reason, outcome });
    this.reason = reason;
    this.outcome = outcome;
  }

  /** The same failure with what a later look-up learned about the money. */
  withOutcome(outcome: UnavailableOutcome): GatewayUnavailableError {
    const { gatewayCode } = (this.data ?? {}) as GatewayErrorDetails;
    return new GatewayUnavailableError(this.message, this.reason, outcome, { gatewayCode });
  }
}

/** Our secret key was refused: a misconfiguration of ours, never the patient's fault, never retried. */
export class GatewayAuthError extends Errors.MoleculerError {
  constructor(message: string, details: GatewayErrorDetails = {}) {
    super(message, 500, "PAYMENT_GATEWAY_AUTH", details);
  }
}
