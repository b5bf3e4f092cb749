/**
 * In-process nodes of one cluster on the real Redis transporter, over one
 * database: the configuration every such spec starts its nodes from.
 */
import { loadConfig } from "../../platform/config";
import type { AppConfig } from "../../platform/config";

export const REDIS_TRANSPORTER = "redis://127.0.0.1:6379";

/** A node's config in `namespace` (unique per run, so parallel specs never meet) over `dbUrl`. */
export function redisNodeConfig(
  namespace: string,
  jwtSecret: string,
  dbUrl: string,
  overrides: Partial<AppConfig> = {},
): AppConfig {
  return {
    ...loadConfig({
      TRANSPORTER: REDIS_TRANSPORTER,
      NAMESPACE: namespace,
      JWT_SECRET: jwtSecret,
      LOG_LEVEL: "warn",
    }),
    dbUrl,
    port: 0,
    metricsPort: 0,
    seedOnEmpty: false,
    ...overrides,
  };
}
