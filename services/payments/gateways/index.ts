/**
 * Which gateway the payments service talks to. Today every gateway speaks
 * Toss' v1 API, the project's sandbox included, so resolution is the Toss
 * adapter pointed at a URL: the in-process sandbox's by default, a real Toss
 * base URL in production. Another gateway would be one more file here.
 */
import { createTossGateway } from "./toss";
import type { TossGatewayOptions } from "./toss";
import type { PaymentGateway } from "./gateway";

export * from "./gateway";
export { SANDBOX_SECRET_KEY } from "../sandbox/defaults";

export interface GatewaySettings {
  /** `PG_BASE_URL`: the gateway's base URL, without `/v1`. */
  pgBaseUrl: string;
  /** `PG_SECRET_KEY`: the secret key sent as Basic auth. */
  pgSecretKey: string;
}

/** Timeouts, retries and breaker tuning; the defaults suit production, specs shorten them. */
export type GatewayTuning = Omit<TossGatewayOptions, "baseUrl" | "secretKey">;

/** The gateway for the configured URL and key. */
export function resolveGateway(settings: GatewaySettings, tuning: GatewayTuning = {}): PaymentGateway {
  return createTossGateway({ ...tuning, baseUrl: settings.pgBaseUrl, secretKey: settings.pgSecretKey });
}
