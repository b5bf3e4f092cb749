/**
 * The one place that reads the environment. Everything else receives an
 * `AppConfig`. Unset variables mean the embedded default: SQLite under
 * `./data`, no transporter, in-process events.
 */
import path from "node:path";

export type Mode = "embedded" | "cluster";

export interface AppConfig {
  mode: Mode;
  dataDir: string;
  dbUrl: string;
  transporter: string | null;
  redisUrl: string | null;
  /** Absent only in embedded mode, where the server generates and keeps one under `dataDir`. */
  jwtSecret: string | null;
  jwtTtlSeconds: number;
  port: number;
  nodeId: string | null;
  /** Moleculer namespace: nodes only see peers in the same one. */
  namespace: string;
  metricsPort: number;
  demoPassword: string;
  /** Comma-separated service names this node runs; empty means all of them. */
  services: string[];
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace";
  requestTimeoutMs: number;
  /** Seed demo data when the database is empty (embedded default). */
  seedOnEmpty: boolean;
  /** Where "almost your turn" notices are POSTed as JSON, besides the log. */
  notifyWebhookUrl: string | null;
  booking: {
    /** A day actor idle this long is passivated. */
    actorIdleMs: number;
    /** Most day actors one node keeps in memory. */
    actorMaxDays: number;
    /** Most commands one actor turn (one commit) takes. */
    actorMaxBatch: number;
    /** Most future appointments (pending or booked) one patient may hold. */
    maxActiveAppointments: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace"] as const;

/** Parses and validates the environment; every bad variable is named in one error. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): AppConfig {
  const problems: string[] = [];
  const str = (name: string): string | null => {
    const value = env[name]?.trim();
    return value ? value : null;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = str(name);
    if (raw === null) return fallback;
    if (["1", "true", "yes"].includes(raw.toLowerCase())) return true;
    if (["0", "false", "no"].includes(raw.toLowerCase())) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };

  const url = (name: string): string | null => {
    const raw = str(name);
    if (raw !== null && !/^https?:\/\/\S+$/.test(raw)) {
      problems.push(`${name} must be an http(s) URL (got "${raw}")`);
      return null;
    }
    return raw;
  };

  const dataDir = path.resolve(cwd, str("DATA_DIR") ?? "data");
  const transporter = str("TRANSPORTER");
  const mode: Mode = transporter ? "cluster" : "embedded";

  const dbUrl = str("DB_URL") ?? `sqlite:${path.join(dataDir, "hospital.sqlite")}`;
  if (!/^(sqlite:|mysql:\/\/|mariadb:\/\/)/.test(dbUrl)) {
    problems.push(`DB_URL must start with sqlite:, mysql:// or mariadb:// (got "${dbUrl}")`);
  }
  if (transporter && !/^(redis|rediss|nats|fake):\/?\/?/i.test(transporter) && transporter !== "Fake") {
    problems.push(`TRANSPORTER must be a redis:// URL (got "${transporter}")`);
  }

  const jwtSecret = str("JWT_SECRET");
  if (jwtSecret !== null && jwtSecret.length < 32) {
    problems.push("JWT_SECRET must be at least 32 characters");
  }
  if (mode === "cluster" && jwtSecret === null) {
    problems.push("JWT_SECRET is required when TRANSPORTER is set (every node must sign and verify alike)");
  }

  const logLevel = (str("LOG_LEVEL") ?? "info") as AppConfig["logLevel"];
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")} (got "${logLevel}")`);
  }

  const config: AppConfig = {
    mode,
    dataDir,
    dbUrl,
    transporter,
    redisUrl: str("REDIS_URL"),
    jwtSecret,
    jwtTtlSeconds: int("JWT_TTL_SECONDS", 3600, 60, 30 * 24 * 3600),
    port: int("PORT", 3000, 0, 65535),
    nodeId: str("NODE_ID"),
    namespace: str("NAMESPACE") ?? "hospital",
    metricsPort: int("METRICS_PORT", 3030, 0, 65535),
    demoPassword: str("DEMO_PASSWORD") ?? "demo1234!",
    services: (str("SERVICES") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    logLevel,
    requestTimeoutMs: int("REQUEST_TIMEOUT_MS", 10_000, 100, 600_000),
    seedOnEmpty: bool("SEED_ON_EMPTY", mode === "embedded"),
    notifyWebhookUrl: url("NOTIFY_WEBHOOK_URL"),
    booking: {
      actorIdleMs: int("ACTOR_IDLE_MS", 5 * 60_000, 1000, 24 * 3600_000),
      actorMaxDays: int("ACTOR_MAX_DAYS", 10_000, 10, 1_000_000),
      actorMaxBatch: int("ACTOR_MAX_BATCH", 500, 1, 10_000),
      maxActiveAppointments: int("MAX_ACTIVE_APPOINTMENTS", 5, 1, 100),
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
