/** The claim counter for this node's configuration: Redis when `REDIS_URL` is set, else memory. */
import type { AppConfig } from "../../../platform/config";
import type { CouponStock } from "./coupon-stock";
import { MemoryStock } from "./memory-stock";
import { RedisStock } from "./redis-stock";

export function resolveStock(config: Pick<AppConfig, "redisUrl" | "namespace">): CouponStock {
  return config.redisUrl ? new RedisStock(config.redisUrl, config.namespace) : new MemoryStock();
}

export type { ClaimResult, CouponStock, StockSnapshot } from "./coupon-stock";
