/**
 * Where a claim the counter granted becomes durable before its 201: a Kafka
 * topic (acknowledged by all in-sync replicas; a batch consumer writes the
 * rows), or, without Kafka, the coupon row itself, written at once.
 */
import type { ClaimedCoupon } from "../coupon-store";

export interface ClaimLog {
  /** Resolves once the claim cannot be lost; rejects if that is not known (the claim is then undone). */
  append(claim: ClaimedCoupon): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}
