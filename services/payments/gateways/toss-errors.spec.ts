import {
  AlreadyProcessedError,
  GatewayAuthError,
  GatewayRequestError,
  GatewayUnavailableError,
  PaymentDeclinedError,
  PaymentNotFoundError,
} from "./gateway";
import { tossError, tossErrorKind } from "./toss-errors";

test.each([
  [403, "REJECT_CARD_PAYMENT", PaymentDeclinedError],
  [403, "INVALID_STOPPED_CARD", PaymentDeclinedError],
  [400, "ALREADY_PROCESSED_PAYMENT", AlreadyProcessedError],
  [400, "ALREADY_CANCELED_PAYMENT", AlreadyProcessedError],
  [404, "NOT_FOUND_PAYMENT", PaymentNotFoundError],
  [401, "UNAUTHORIZED_KEY", GatewayAuthError],
  [403, "NOT_CANCELABLE_AMOUNT", GatewayRequestError],
  [400, "INVALID_REQUEST", GatewayRequestError],
  // PROVIDER_ERROR arrives as a 400 yet is transient: the one 4xx that is retried.
  [400, "PROVIDER_ERROR", GatewayUnavailableError],
  [500, "FAILED_PAYMENT_INTERNAL_SYSTEM_PROCESSING", GatewayUnavailableError],
  // Unknown codes fall back on the status.
  [502, "SOMETHING_NEW", GatewayUnavailableError],
  [403, "SOMETHING_NEW", GatewayRequestError],
  [401, undefined, GatewayAuthError],
  [404, undefined, PaymentNotFoundError],
])("%i %s → %p", (status, code, type) => {
  const err = tossError(status, code, "message");
  expect(err).toBeInstanceOf(type);
  expect(err.data).toMatchObject({ gatewayCode: code, httpStatus: status });
});

test("an unknown 4xx is never taken for a decline, nor retried", () => {
  expect(tossErrorKind(400, "SOMETHING_NEW")).toBe("rejected");
  expect(tossErrorKind(400, undefined)).toBe("rejected");
});

test("declines and unavailability carry the codes the API and retry policy rely on", () => {
  const declined = tossError(403, "REJECT_CARD_PAYMENT", "no");
  expect(declined.code).toBe(402);
  expect(declined.type).toBe("PAYMENT_DECLINED");
  const unavailable = tossError(500, undefined, undefined) as GatewayUnavailableError;
  expect(unavailable.retryable).toBe(true);
  expect(unavailable.outcome).toBe("unknown");
});
