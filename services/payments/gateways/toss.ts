/**
 * The port spoken as Toss Payments' v1 API over HTTP (`fetch`): confirm,
 * cancel, look up. Basic auth with the secret key, an Idempotency-Key on every
 * POST, a timeout per call, up to two retries with backoff where a retry cannot
 * charge twice, and a circuit breaker so a sick gateway costs a fast refusal
 * instead of a held seat waiting out every timeout. The project's sandbox
 * (../sandbox) speaks the same API.
 */
import crypto from "node:crypto";
import { setTimeout as sleepFor } from "node:timers/promises";
import { createCircuitBreaker } from "./circuit-breaker";
import type { CircuitBreaker } from "./circuit-breaker";
import {
  AlreadyProcessedError,
  GatewayUnavailableError,
  PaymentDeclinedError,
  PaymentNotFoundError,
} from "./gateway";
import type { CancelRequest, ConfirmRequest, GatewayPayment, PaymentGateway } from "./gateway";
import { toGatewayPayment } from "./toss-payment";
import { tossError } from "./toss-errors";

export interface TossGatewayOptions {
  /** Where the API lives, without `/v1`: `https://api.tosspayments.com` or the sandbox's URL. */
  baseUrl: string;
  secretKey: string;
  /** Per HTTP call, in ms (default 5000). */
  timeoutMs?: number;
  /** Retries after the first attempt where safe, 0..2 (default 2). */
  retries?: number;
  /** The first retry's wait in ms; each next one doubles it, with jitter (default 200). */
  backoffMs?: number;
  /** Consecutive unavailable calls that open the circuit (default 5). */
  breakerThreshold?: number;
  /** How long the circuit stays open before one trial call, in ms (default 30000). */
  breakerCooldownMs?: number;
  /** The breaker's clock (default `Date.now`). */
  now?: () => number;
  /** How the backoff waits (default a real timer); the spec may pass a fake. */
  sleep?: (ms: number) => Promise<void>;
}

type Method = "GET" | "POST";

interface CallOptions {
  body?: unknown;
  idempotencyKey?: string;
}

/** The Toss Payments adapter: one instance per gateway (base URL + key), so one breaker per gateway. */
export function createTossGateway(options: TossGatewayOptions): PaymentGateway & { breaker: CircuitBreaker } {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const authorization = `Basic ${Buffer.from(`${options.secretKey}:`).toString("base64")}`;
  const timeoutMs = options.timeoutMs ?? 5000;
  const retries = Math.max(0, Math.min(2, options.retries ?? 2));
  const backoffMs = options.backoffMs ?? 200;
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms).then(() => undefined));
  const breaker = createCircuitBreaker({
    failureThreshold: options.breakerThreshold ?? 5,
    cooldownMs: options.breakerCooldownMs ?? 30_000,
    now: options.now ?? Date.now,
  });

  /** One HTTP exchange: the parsed JSON of a 2xx, or the typed error of anything else. */
  async function attempt(method: Method, path: string, call: CallOptions): Promise<unknown> {
    const headers: Record<string, string> = { authorization, accept: "application/json" };
    if (call.body !== undefined) headers["content-type"] = "application/json";
    if (call.idempotencyKey !== undefined) headers["idempotency-key"] = call.idempotencyKey;
    let status: number;
    let text: string;
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (err) {
      // By name, not instanceof: fetch's DOMException may come from another realm (jest's vm, for one).
      const name = typeof err === "object" && err !== null ? (err as { name?: unknown }).name : undefined;
      const timedOut = name === "TimeoutError" || name === "AbortError";
      // Either way the request may have reached the gateway: only a look-up can tell.
      throw new GatewayUnavailableError(
        timedOut
          ? `Payment gateway did not answer ${method} ${path} within ${timeoutMs} ms`
          : `Payment gateway unreachable: ${describe(err)}`,
        timedOut ? "timeout" : "network",
        "unknown",
      );
    }
    const json = parseJson(text);
    if (status >= 200 && status < 300) return json;
    const { code, message } = errorFields(json);
    throw tossError(status, code, message);
  }

  /**
   * Retries where the same request again cannot charge twice: every POST
   * carries its Idempotency-Key, so a network error, a 5xx or PROVIDER_ERROR is
   * retried; a timeout is retried only for GET, since for a POST the caller's
   * look-up (`get`) is the faster way to learn what happened.
   */
  async function withRetries(method: Method, path: string, call: CallOptions): Promise<unknown> {
    for (let n = 0; ; n++) {
      try {
        return await attempt(method, path, call);
      } catch (err) {
        const retryable =
          err instanceof GatewayUnavailableError && (err.reason !== "timeout" || method === "GET");
        if (!retryable || n >= retries) throw err;
        await sleep(backoffMs * 2 ** n * (0.5 + Math.random() / 2));
      }
    }
  }

  /**
   * A call through the breaker: only unavailability counts against the gateway.
   * An ungated call (the look-up after a lost confirm answer) neither asks nor
   * tells the breaker: the money must be learned even while the circuit opens,
   * and a look-up that works proves nothing about confirms that do not.
   */
  async function request(
    method: Method,
    path: string,
    call: CallOptions = {},
    gated = true,
  ): Promise<unknown> {
    if (!gated) return withRetries(method, path, call);
    if (!breaker.tryAcquire()) {
      // Nothing was sent, so nothing was charged: the caller may release the seat at once.
      throw new GatewayUnavailableError("Payment gateway circuit is open", "circuit-open", "not-charged");
    }
    try {
      const result = await withRetries(method, path, call);
      breaker.success();
      return result;
    } catch (err) {
      if (err instanceof GatewayUnavailableError) breaker.failure();
      else breaker.success();
      throw err;
    }
  }

  const paymentPath = (paymentKey: string): string => `/v1/payments/${encodeURIComponent(paymentKey)}`;

  async function get(paymentKey: string, gated = true): Promise<GatewayPayment | null> {
    try {
      return toGatewayPayment(await request("GET", paymentPath(paymentKey), {}, gated));
    } catch (err) {
      if (err instanceof PaymentNotFoundError) return null;
      throw err;
    }
  }

  /** After a confirm whose answer was lost, the gateway's record decides. */
  async function settleUnknown(
    req: ConfirmRequest,
    failure: GatewayUnavailableError,
  ): Promise<GatewayPayment> {
    let found: GatewayPayment | null;
    try {
      found = await get(req.paymentKey, false);
    } catch {
      throw failure;
    }
    if (found === null) throw failure.withOutcome("not-charged");
    if (found.orderId !== req.orderId) {
      throw new AlreadyProcessedError(`Payment ${req.paymentKey} belongs to another order`, {
        gatewayCode: "ALREADY_PROCESSED_PAYMENT",
      });
    }
    switch (found.status) {
      case "DONE":
      case "CANCELED":
      case "PARTIAL_CANCELED":
        return found;
      case "ABORTED":
      case "EXPIRED":
        throw new PaymentDeclinedError(`Payment ${req.paymentKey} was not approved (${found.status})`, {
          gatewayCode: found.status,
        });
      case "READY":
      case "IN_PROGRESS":
      case "WAITING_FOR_DEPOSIT":
        throw failure;
    }
  }

  return {
    breaker,
    async confirm(req) {
      try {
        return toGatewayPayment(
          await request("POST", "/v1/payments/confirm", {
            body: { paymentKey: req.paymentKey, orderId: req.orderId, amount: req.amount },
            idempotencyKey: confirmKey(req),
          }),
        );
      } catch (err) {
        if (!(err instanceof GatewayUnavailableError) || err.outcome === "not-charged") throw err;
        return settleUnknown(req, err);
      }
    },
    async cancel(paymentKey: string, req: CancelRequest, idempotencyKey: string) {
      const body: CancelRequest = { cancelReason: req.cancelReason };
      if (req.cancelAmount !== undefined) body.cancelAmount = req.cancelAmount;
      return toGatewayPayment(
        await request("POST", `${paymentPath(paymentKey)}/cancel`, { body, idempotencyKey }),
      );
    },
    get: (paymentKey: string) => get(paymentKey),
  };
}

/**
 * The confirm's Idempotency-Key, derived from the order and the attempt (a
 * retry, even from another node after a crash, is the same request; a second
 * card for the same order is a new one). Hashed to stay under Toss' 300 chars.
 */
export function confirmKey(req: ConfirmRequest): string {
  return crypto
    .createHash("sha256")
    .update(`confirm\n${req.orderId}\n${req.paymentKey}\n${req.amount}`)
    .digest("hex");
}

function parseJson(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function errorFields(json: unknown): { code?: string; message?: string } {
  if (typeof json !== "object" || json === null) return {};
  const { code, message } = json as Record<string, unknown>;
  return {
    code: typeof code === "string" ? code : undefined,
    message: typeof message === "string" ? message : undefined,
  };
}

/** A fetch failure as text: undici hides the useful part (ECONNREFUSED, …) in `cause`. */
function describe(err: unknown): string {
  if (typeof err !== "object" || err === null) return String(err);
  const { message, cause } = err as { message?: unknown; cause?: unknown };
  const inner = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined;
  return `${String(message)}${typeof inner === "string" ? ` (${inner})` : ""}`;
}
