/** The four ways of serving one booking that the benchmark puts side by side. */
import type { ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import type { RouteSpec } from "../../services/api/routes";
import { forUpdateService } from "../alternatives/for-update.service";
import { noopService } from "../alternatives/noop.service";
import { redisLockService } from "../alternatives/redis-lock.service";

export type VariantKey = "a" | "b" | "c" | "d";

export interface Variant {
  key: VariantKey;
  label: string;
  /** Gateway route under /api/v1, e.g. "POST /appointments". */
  route: string;
  /** The benchmark's own service behind the route; absent for the engine's real route. */
  service?: { action: string; create: (app: App) => ServiceSchema };
  /** Where sold seats land, for the oversell check; null when nothing is sold. */
  seats: "appointments" | "bench_bookings" | null;
}

export const VARIANTS: readonly Variant[] = [
  { key: "a", label: "engine (day actors)", route: "POST /appointments", seats: "appointments" },
  {
    key: "b",
    label: "tx + FOR UPDATE",
    route: "POST /bench/for-update",
    service: { action: "benchForUpdate.book", create: forUpdateService },
    seats: "bench_bookings",
  },
  {
    key: "c",
    label: "Redis lock + tx",
    route: "POST /bench/redis-lock",
    service: { action: "benchRedisLock.book", create: redisLockService },
    seats: "bench_bookings",
  },
  {
    key: "d",
    label: "no-op (ceiling)",
    route: "POST /bench/noop",
    service: { action: "benchNoop.book", create: noopService },
    seats: null,
  },
];

export const urlPath = (variant: Variant): string => `/api/v1${variant.route.split(" ")[1]}`;

/** The gateway aliases of the benchmark's own services, signed-in patients only like the real route. */
export function benchRoutes(): Record<string, RouteSpec> {
  const routes: Record<string, RouteSpec> = {};
  for (const v of VARIANTS) if (v.service) routes[v.route] = { action: v.service.action, roles: ["patient"] };
  return routes;
}
