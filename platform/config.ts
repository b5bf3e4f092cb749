/**
 * The one place that reads the environment. Everything else receives an
 * `AppConfig`. Unset variables mean the embedded default: SQLite under
 * `./data`, no transporter, in-process events.
 */
import path from "node:path";
import cron from "node-cron";

export type Mode = "embedded" | "cluster";

/** Kafka mode: present only when `KAFKA_BROKERS` is set; otherwise events stay in-process. */
export interface KafkaConfig {
  /** "host:port" of each seed broker. */
  brokers: string[];
  clientId: string;
  /** Put before each consumer's name to make its group id, so namespaces do not share groups. */
  groupPrefix: string;
  /** Put before every topic name (empty in production: `booking-events`); lets test runs not collide. */
  topicPrefix: string;
}

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
  /** Where the metrics port listens: loopback unless an operator opens it (compose sets 0.0.0.0). */
  metricsHost: string;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  metricsToken: string | null;
  demoPassword: string;
  /** Comma-separated service names this node runs; empty means all of them. */
  services: string[];
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace";
  requestTimeoutMs: number;
  /** Seed demo data when the database is empty (embedded default). */
  seedOnEmpty: boolean;
  payments: {
    /** A Toss-compatible gateway's base URL (no /v1); null runs the project's sandbox in-process. */
    pgBaseUrl: string | null;
    /** Sent as Basic auth to the gateway. */
    pgSecretKey: string;
    /** How long a deposit booking holds its seat waiting for payment. */
    holdTtlSeconds: number;
    /** The gateway's fee on each payment, in percent (settlement subtracts it). */
    pgFeePercent: number;
    /** How long one gateway call may take before its answer counts as lost (then the gateway is asked). */
    gatewayTimeoutMs: number;
    /** How often the recovery sweep resumes orders a crashed node or a lost answer left half-done. */
    recoveryEveryMs: number;
  };
  /** When the daily settlement runs (node-cron, Asia/Seoul); null: never on this node. */
  settlementCron: string | null;
  /** Where "almost your turn" notices are POSTed as JSON, besides the log. */
  notifyWebhookUrl: string | null;
  /** Null means in-process events (the embedded default). */
  kafka: KafkaConfig | null;
  /** Hospital search: Elasticsearch when its URL is set, the embedded in-process index otherwise. */
  search: {
    elasticsearchUrl: string | null;
    /** The alias searches read; each full reindex writes `<alias>-<timestamp>` and swaps it. */
    elasticsearchIndex: string;
  };
  consumers: {
    /** Failed attempts after which an event is dead-lettered. */
    maxAttempts: number;
  };
  booking: {
    /** A day actor idle this long is passivated. */
    actorIdleMs: number;
    /** Most day actors one node keeps in memory. */
    actorMaxDays: number;
    /** Most commands one actor turn (one commit) takes. */
    actorMaxBatch: number;
    /** Most commands waiting in one actor's mailbox; more are refused with 503 DAY_BUSY. */
    actorMaxMailbox: number;
    /** Most future appointments (pending or booked) one patient may hold. */
    maxActiveAppointments: number;
  };
  /** How often a gateway re-reads the account-change ledger (it trusts its copy for three such periods). */
  accountSyncMs: number;
  /** Open-run admission (API.md "대기열"). */
  admission: {
    /** Off: bookings always go straight to the day actor. */
    enabled: boolean;
    /** An admitted ticket must be used within this long. */
    admittedWindowMs: number;
    /** A waiting ticket nobody asks about for this long leaves the line. */
    waitingTtlMs: number;
    /** Live tickets one account (a guardian booking for their children) may hold for a day. */
    ticketsPerAccount: number;
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

  /** A node-cron expression, or "off". */
  const cronOf = (name: string, fallback: string): string | null => {
    const raw = str(name) ?? fallback;
    if (raw === "off") return null;
    if (!cron.validate(raw)) {
      problems.push(`${name} must be a cron expression such as "10 0 * * *", or off (got "${raw}")`);
      return fallback;
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

  const namespace = str("NAMESPACE") ?? "hospital";
  const kafka = kafkaConfig(str, namespace, problems);

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
    namespace,
    metricsPort: int("METRICS_PORT", 3030, 0, 65535),
    metricsHost: str("METRICS_HOST") ?? "127.0.0.1",
    metricsToken: str("METRICS_TOKEN"),
    demoPassword: str("DEMO_PASSWORD") ?? "demo1234!",
    services: (str("SERVICES") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    logLevel,
    requestTimeoutMs: int("REQUEST_TIMEOUT_MS", 10_000, 100, 600_000),
    seedOnEmpty: bool("SEED_ON_EMPTY", mode === "embedded"),
    settlementCron: cronOf("SETTLEMENT_CRON", "10 0 * * *"),
    notifyWebhookUrl: url("NOTIFY_WEBHOOK_URL"),
    payments: {
      pgBaseUrl: url("PG_BASE_URL"),
      pgSecretKey: str("PG_SECRET_KEY") ?? "test_sk_sandbox",
      holdTtlSeconds: int("HOLD_TTL_SECONDS", 600, 30, 24 * 3600),
      pgFeePercent: int("PG_FEE_BASIS_POINTS", 330, 0, 10_000) / 100,
      gatewayTimeoutMs: int("PG_TIMEOUT_MS", 5_000, 50, 60_000),
      recoveryEveryMs: int("PAYMENT_RECOVERY_INTERVAL_MS", 30_000, 1_000, 3600_000),
    },
    kafka,
    search: {
      elasticsearchUrl: url("ELASTICSEARCH_URL"),
      elasticsearchIndex: str("ELASTICSEARCH_INDEX") ?? `${namespace}-hospitals`,
    },
    consumers: { maxAttempts: int("CONSUMER_MAX_ATTEMPTS", 5, 1, 100) },
    booking: {
      actorIdleMs: int("ACTOR_IDLE_MS", 5 * 60_000, 1000, 24 * 3600_000),
      actorMaxDays: int("ACTOR_MAX_DAYS", 10_000, 10, 1_000_000),
      actorMaxBatch: int("ACTOR_MAX_BATCH", 500, 1, 10_000),
      actorMaxMailbox: int("ACTOR_MAX_MAILBOX", 5_000, 10, 1_000_000),
      maxActiveAppointments: int("MAX_ACTIVE_APPOINTMENTS", 5, 1, 100),
    },
    accountSyncMs: int("ACCOUNT_SYNC_MS", 5_000, 100, 600_000),
    admission: {
      enabled: bool("ADMISSION_ENABLED", true),
      // API.md fixes the 30 s an admitted client has to come back.
      admittedWindowMs: 30_000,
      waitingTtlMs: int("ADMISSION_WAITING_TTL_MS", 60_000, 1_000, 3600_000),
      ticketsPerAccount: int("ADMISSION_TICKETS_PER_ACCOUNT", 4, 1, 20),
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const BROKER = /^[A-Za-z0-9._-]+:\d{1,5}$/;

/**
 * `KAFKA_BROKERS=host:port[,host:port]` turns Kafka mode on. Client id and
 * group prefix default to the namespace, so two namespaces on one cluster do
 * not steal each other's partitions.
 */
function kafkaConfig(str: (name: string) => string | null, namespace: string, problems: string[]) {
  const raw = str("KAFKA_BROKERS");
  if (raw === null) return null;
  const brokers = raw
    .split(",")
    .map((b) => b.trim())
    .filter(Boolean);
  const bad = brokers.filter((b) => !BROKER.test(b) || Number(b.split(":")[1]) > 65535);
  if (brokers.length === 0 || bad.length > 0) {
    problems.push(`KAFKA_BROKERS must be host:port[,host:port] (got "${raw}")`);
  }
  return {
    brokers,
    clientId: str("KAFKA_CLIENT_ID") ?? namespace,
    groupPrefix: str("KAFKA_GROUP_PREFIX") ?? `${namespace}.`,
    topicPrefix: str("KAFKA_TOPIC_PREFIX") ?? "",
  } satisfies KafkaConfig;
}
