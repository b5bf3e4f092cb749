/** The three ways of serving a first-come-first-served claim that bench:coupons puts side by side, and a ceiling. */
import type { ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import type { RouteSpec } from "../../services/api/routes";
import { couponNoopService } from "./coupon-noop.service";
import { couponRedisRaceService } from "./coupon-redis-race.service";
import { couponRowLockService } from "./coupon-row-lock.service";

export type CouponDesignKey = "a" | "b" | "c" | "d";

export interface CouponDesign {
  key: CouponDesignKey;
  label: string;
  /** Gateway route under /api/v1 with `:id` for the campaign. */
  route: string;
  /** The benchmark's own service behind the route; absent for the product's real route. */
  service?: { action: string; create: (app: App) => ServiceSchema };
  /** Issues nothing: only its speed is reported. */
  ceiling?: true;
}

export const COUPON_DESIGNS: readonly CouponDesign[] = [
  { key: "a", label: "product: Lua + Kafka", route: "POST /coupon-campaigns/:id/claim" },
  {
    key: "b",
    label: "tx + row lock on stock",
    route: "POST /bench/coupon-campaigns/:id/row-lock",
    service: { action: "benchCouponRowLock.claim", create: couponRowLockService },
  },
  {
    key: "c",
    label: "Redis GET/DECR, no Lua",
    route: "POST /bench/coupon-campaigns/:id/redis-race",
    service: { action: "benchCouponRedisRace.claim", create: couponRedisRaceService },
  },
  {
    key: "d",
    label: "no-op (ceiling)",
    route: "POST /bench/coupon-campaigns/:id/noop",
    service: { action: "benchCouponNoop.claim", create: couponNoopService },
    ceiling: true,
  },
];

export const claimPath = (design: CouponDesign, campaignId: number): string =>
  `/api/v1${design.route.split(" ")[1].replace(":id", String(campaignId))}`;

/** The gateway aliases of the benchmark's own services, patients only like the real route. */
export function couponBenchRoutes(): Record<string, RouteSpec> {
  const routes: Record<string, RouteSpec> = {};
  for (const d of COUPON_DESIGNS)
    if (d.service) routes[d.route] = { action: d.service.action, roles: ["patient"] };
  return routes;
}
