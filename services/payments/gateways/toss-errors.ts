/**
 * Toss Payments' error codes, each placed explicitly in one of the port's
 * outcomes. A code not listed falls back on its HTTP status (5xx unavailable,
 * 401 auth, 404 not found, other 4xx a refused request): Toss adds codes, and a
 * new one must not be mistaken for a decline or, worse, retried as a charge.
 */
import {
  AlreadyProcessedError,
  GatewayAuthError,
  GatewayRequestError,
  GatewayUnavailableError,
  PaymentDeclinedError,
  PaymentNotFoundError,
} from "./gateway";

/** Which typed outcome a gateway error answer is. `unavailable` answers are the only ones retried. */
export type TossErrorKind =
  "declined" | "already-processed" | "not-found" | "auth" | "rejected" | "unavailable";

const KINDS: Readonly<Record<string, TossErrorKind>> = {
  // The card, account or issuer said no.
  REJECT_CARD_PAYMENT: "declined",
  REJECT_CARD_COMPANY: "declined",
  REJECT_ACCOUNT_PAYMENT: "declined",
  REJECT_TOSSPAY_INVALID_ACCOUNT: "declined",
  INVALID_REJECT_CARD: "declined",
  INVALID_CARD_EXPIRATION: "declined",
  INVALID_STOPPED_CARD: "declined",
  INVALID_CARD_LOST_OR_STOLEN: "declined",
  INVALID_CARD_NUMBER: "declined",
  INVALID_PASSWORD: "declined",
  EXCEED_MAX_DAILY_PAYMENT_COUNT: "declined",
  EXCEED_MAX_PAYMENT_AMOUNT: "declined",
  EXCEED_MAX_ONE_DAY_AMOUNT: "declined",
  EXCEED_MAX_AUTH_COUNT: "declined",
  EXCEED_MAX_MONTHLY_PAYMENT_AMOUNT: "declined",
  NOT_AVAILABLE_BANK: "declined",
  NOT_AVAILABLE_PAYMENT: "declined",
  FDS_ERROR: "declined",
  // Done before, under another request: the caller asks `get` to see how.
  ALREADY_PROCESSED_PAYMENT: "already-processed",
  ALREADY_CANCELED_PAYMENT: "already-processed",
  ALREADY_REFUND_PAYMENT: "already-processed",
  NOT_FOUND_PAYMENT: "not-found",
  NOT_FOUND_PAYMENT_SESSION: "not-found",
  UNAUTHORIZED_KEY: "auth",
  INVALID_API_KEY: "auth",
  INCORRECT_BASIC_AUTH_FORMAT: "auth",
  // Our request was wrong for this payment; the same request will fail again.
  INVALID_REQUEST: "rejected",
  FORBIDDEN_REQUEST: "rejected",
  BELOW_MINIMUM_AMOUNT: "rejected",
  UNAPPROVED_ORDER_ID: "rejected",
  NOT_CANCELABLE_AMOUNT: "rejected",
  NOT_CANCELABLE_PAYMENT: "rejected",
  NOT_MATCHES_REFUNDABLE_AMOUNT: "rejected",
  NOT_ALLOWED_PARTIAL_REFUND: "rejected",
  EXCEED_CANCEL_AMOUNT_DISCOUNT_AMOUNT: "rejected",
  FORBIDDEN_CONSECUTIVE_REQUEST: "rejected",
  // Transient on Toss' side: PROVIDER_ERROR comes as a 400, yet retrying it is what Toss advises.
  PROVIDER_ERROR: "unavailable",
  IDEMPOTENT_REQUEST_PROCESSING: "unavailable",
  CARD_PROCESSING_ERROR: "unavailable",
  FAILED_INTERNAL_SYSTEM_PROCESSING: "unavailable",
  FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING: "unavailable",
  FAILED_REFUND_PROCESS: "unavailable",
  FAILED_METHOD_HANDLING_CANCEL: "unavailable",
  FAILED_PARTIAL_REFUND: "unavailable",
  UNKNOWN_PAYMENT_ERROR: "unavailable",
  COMMON_ERROR: "unavailable",
};

/** The outcome of an error answer: by its code when Toss' code is known, else by its HTTP status. */
export function tossErrorKind(status: number, code: string | undefined): TossErrorKind {
  const known = code === undefined ? undefined : KINDS[code];
  if (known) return known;
  if (status >= 500) return "unavailable";
  if (status === 401) return "auth";
  if (status === 404) return "not-found";
  return "rejected";
}

/** The typed error for an error answer `{code, message}` with its HTTP status. */
export function tossError(
  status: number,
  code: string | undefined,
  message: string | undefined,
):
  | PaymentDeclinedError
  | AlreadyProcessedError
  | PaymentNotFoundError
  | GatewayAuthError
  | GatewayRequestError
  | GatewayUnavailableError {
  const text = message ?? `Payment gateway answered ${status}${code ? ` ${code}` : ""}`;
  const details = { gatewayCode: code, httpStatus: status };
  const kind = tossErrorKind(status, code);
  switch (kind) {
    case "declined":
      return new PaymentDeclinedError(text, details);
    case "already-processed":
      return new AlreadyProcessedError(text, details);
    case "not-found":
      return new PaymentNotFoundError(text, details);
    case "auth":
      return new GatewayAuthError(text, details);
    case "rejected":
      return new GatewayRequestError(text, details);
    case "unavailable":
      // An error answer is an answer: unless the caller learns otherwise, a 5xx may hide a charge.
      return new GatewayUnavailableError(text, "server", "unknown", details);
  }
}
