/**
 * A cluster of real node processes for one test file: `server.ts` run by
 * Node with tsx's loader, one process per node, talking over the Redis
 * transporter in a namespace of their own and sharing a fresh MariaDB
 * database. The test process keeps a service-less observer broker in the
 * same namespace to ask each node what it sees (`$node.services`).
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { ServiceBroker } from "moleculer";
import { HEARTBEAT_INTERVAL_S, HEARTBEAT_TIMEOUT_S } from "../../moleculer.config";
import type { Sequelize } from "sequelize";
import { openDatabase } from "../../platform/db/database";
import { migrate } from "../../platform/db/migrate";
import { defineModels } from "../../platform/db/models";
import type { Models } from "../../platform/db/models";
import { signToken } from "../../services/accounts/tokens";
import { createTestDatabase } from "./databases";
import { freePort } from "./ports";
import { waitFor } from "./wait-for";
import type { TestDatabase } from "./databases";

const REDIS = { host: "127.0.0.1", port: 6379 };
const REDIS_URL = `redis://${REDIS.host}:${REDIS.port}`;
const GATEWAY_SERVICES = ["api", "health"];
export const WORKER_SERVICES = [
  "accounts",
  "patients",
  "hospitals",
  "search",
  "day",
  "schedules",
  "appointments",
  // Beside `day`: a day's line lives where its actor does.
  "admission",
  "payments",
  "settlement",
  "queue",
  "notifications",
  "health",
];

const ROOT = path.resolve(__dirname, "../..");
const JWT_SECRET = "cluster-test-secret-long-enough-for-hs256-0123456789";
const STOP_WAIT_MS = 15_000;

export interface ClusterOptions {
  /** Moleculer's per-call timeout on every node (REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  /** More environment for every node (a shared payment gateway's PG_BASE_URL, say). */
  env?: Record<string, string>;
  /** The services worker `id` runs; every worker runs WORKER_SERVICES when absent. */
  servicesOf?: (id: string) => string[];
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface NodeProcess {
  id: string;
  child: ChildProcess;
  exited: Promise<Exit>;
  exit: Exit | null;
}

/** What a client saw: status 0 means no answer at all (`error` says why). */
export interface HttpOutcome<T = any> {
  status: number;
  body: T;
  ms: number;
  error?: "timeout" | "network";
  /** The Retry-After header, if any. */
  retryAfter?: string | null;
}

/** Service name → ids of the nodes hosting it, as one node's registry has it. */
export type ServiceView = Record<string, string[]>;

export class Cluster {
  readonly namespace = `hre-cluster-${process.pid}-${crypto.randomBytes(3).toString("hex")}`;
  readonly logDir = fs.mkdtempSync(path.join(os.tmpdir(), "hre-cluster-"));
  baseUrl = "";
  private readonly nodes = new Map<string, NodeProcess>();
  /** Processes replaced by a restart, kept for their exit and their logs. */
  private readonly retired: NodeProcess[] = [];
  private observer: ServiceBroker | null = null;

  private constructor(
    readonly db: TestDatabase,
    readonly sequelize: Sequelize,
    readonly models: Models,
    private readonly options: ClusterOptions,
  ) {}

  /** A fresh, migrated database (nodes not started yet, so fixtures can go in first). */
  static async create(options: ClusterOptions): Promise<Cluster> {
    const db = await createTestDatabase("mariadb");
    const sequelize = openDatabase(db.url, { poolMax: 5 });
    try {
      await migrate(sequelize);
    } catch (err) {
      await sequelize.close();
      await db.drop();
      throw err;
    }
    return new Cluster(db, sequelize, defineModels(sequelize), options);
  }

  /** Starts the gateway and the workers and waits until every node sees every worker's services. */
  async start(workerIds: string[], readyTimeoutMs = 90_000): Promise<void> {
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.observer = new ServiceBroker({
      namespace: this.namespace,
      nodeID: `test-observer-${process.pid}`,
      transporter: { type: "Redis", options: REDIS },
      logger: false,
      requestTimeout: 3000,
      // The nodes' own heartbeat settings, or they drop the observer as dead between its beats.
      heartbeatInterval: HEARTBEAT_INTERVAL_S,
      heartbeatTimeout: HEARTBEAT_TIMEOUT_S,
      skipProcessEventRegistration: true,
    });
    await this.observer.start();
    this.spawnNode("gateway", GATEWAY_SERVICES, port);
    for (const id of workerIds) this.spawnNode(id, this.servicesOf(id), 0);

    const expected = [...workerIds].sort().join(",");
    await waitFor(`every node to see ${expected} and the gateway to be ready`, readyTimeoutMs, async () => {
      for (const node of this.nodes.values()) {
        if (node.exit) throw new Error(`${node.id} exited during start-up ${this.describeExit(node)}`);
      }
      for (const id of this.nodes.keys()) {
        const view = await this.viewOf(id).catch(() => null);
        if (!view || (view.day ?? []).join(",") !== expected) return false;
        if ((view.appointments ?? []).join(",") !== expected) return false;
      }
      return (await this.request("GET", "/health/ready", { timeoutMs: 3000 })).status === 200;
    });
  }

  tokenFor(userId: number): string {
    return signToken({ sub: String(userId), role: "patient" }, JWT_SECRET, 3600);
  }

  /** One HTTP call to the gateway, abandoned after `timeoutMs` (a hung request is an answer too). */
  async request<T = any>(
    method: string,
    urlPath: string,
    options: { body?: unknown; token?: string; timeoutMs: number; headers?: Record<string, string> },
  ): Promise<HttpOutcome<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    const began = performance.now();
    try {
      const res = await fetch(`${this.baseUrl}${urlPath}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const text = await res.text();
      return {
        status: res.status,
        body: parseJson(text) as T,
        ms: performance.now() - began,
        retryAfter: res.headers.get("retry-after"),
      };
    } catch (err) {
      const timedOut = err instanceof DOMException && err.name === "TimeoutError";
      return {
        status: 0,
        body: String(err) as T,
        ms: performance.now() - began,
        error: timedOut ? "timeout" : "network",
      };
    }
  }

  /** The services (without internal ones) that node `id` can route to right now. */
  async viewOf(id: string): Promise<ServiceView> {
    if (!this.observer) throw new Error("The cluster has not started.");
    const services = await this.observer.call<{ name: string; nodes: string[] }[], object>(
      "$node.services",
      { onlyAvailable: true, skipInternal: true, grouping: true },
      { nodeID: id },
    );
    return Object.fromEntries(services.map((s) => [s.name, [...s.nodes].sort()]));
  }

  /**
   * Starts node `id` again under the same NODE_ID, with the services it had,
   * once its previous process has exited; its log continues in the same file.
   */
  async restart(id: string): Promise<void> {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`No node ${id}`);
    await this.exitOf(id);
    this.retired.push(node);
    this.spawnNode(id, id === "gateway" ? GATEWAY_SERVICES : this.servicesOf(id), 0);
  }

  private servicesOf(workerId: string): string[] {
    return this.options.servicesOf?.(workerId) ?? WORKER_SERVICES;
  }

  /** The instanceID under which the observer last heard from node `id` (a restart changes it). */
  instanceOf(id: string): string | null {
    return this.observer?.registry.nodes.get(id)?.instanceID ?? null;
  }

  signal(id: string, signal: NodeJS.Signals): void {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`No node ${id}`);
    node.child.kill(signal);
  }

  /** How node `id` ended; rejects if it is still running after `timeoutMs`. */
  exitOf(id: string, timeoutMs = STOP_WAIT_MS): Promise<Exit> {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`No node ${id}`);
    return withTimeout(node.exited, timeoutMs, `${id} to exit`);
  }

  /** The last lines each node printed (warnings and errors at LOG_LEVEL=warn). */
  logTails(lines = 30): string {
    return [...this.nodes.values()]
      .map((node) => {
        const file = path.join(this.logDir, `${node.id}.log`);
        const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trimEnd() : "";
        const tail = text ? text.split("\n").slice(-lines).join("\n") : "(nothing)";
        return `--- ${node.id} ${this.describeExit(node)}\n${tail}`;
      })
      .join("\n");
  }

  /**
   * Kills every node still running, stops the observer and drops the
   * database; each step runs even if an earlier one failed. The node logs
   * are kept (and their path printed) when `keepLogs` is set.
   */
  async close(keepLogs: boolean): Promise<void> {
    const problems: unknown[] = [];
    const attempt = async (step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (err) {
        problems.push(err);
      }
    };
    for (const node of [...this.retired, ...this.nodes.values()]) if (!node.exit) node.child.kill("SIGKILL");
    await attempt(() => Promise.all([...this.nodes.keys()].map((id) => this.exitOf(id))));
    await attempt(async () => this.observer?.stop());
    await attempt(() => this.sequelize.close());
    await attempt(() => this.db.drop());
    if (keepLogs) console.log(`Cluster node logs kept in ${this.logDir}\n${this.logTails()}`);
    else fs.rmSync(this.logDir, { recursive: true, force: true });
    if (problems.length > 0) throw problems[0];
  }

  private spawnNode(id: string, services: string[], port: number): void {
    // The child's whole environment is spelled out here, so nothing from the shell that runs
    // jest (a KAFKA_BROKERS, a DB_URL) changes what the nodes do; anything a node writes to
    // DATA_DIR lands in this run's temporary folder, not in the repository's data/.
    const env: Record<string, string> = {
      TRANSPORTER: REDIS_URL,
      NAMESPACE: this.namespace,
      JWT_SECRET,
      DB_URL: this.db.url,
      NODE_ID: id,
      SERVICES: services.join(","),
      PORT: String(port),
      METRICS_PORT: "0",
      SEED_ON_EMPTY: "false",
      LOG_LEVEL: "warn",
      REQUEST_TIMEOUT_MS: String(this.options.requestTimeoutMs),
      DATA_DIR: this.logDir,
      ...this.options.env,
    };
    // Node itself with tsx as a loader (not the tsx CLI, which runs the script in a grandchild
    // that a SIGKILL of ours would miss). stdin stays a pipe for exit-with-parent.ts.
    const child = spawn(
      process.execPath,
      [
        "--import",
        pathToFileURL(require.resolve("tsx")).href,
        "--import",
        pathToFileURL(path.join(__dirname, "exit-with-parent.ts")).href,
        "server.ts",
      ],
      { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] },
    );
    const log = fs.createWriteStream(path.join(this.logDir, `${id}.log`), { flags: "a" });
    log.write(`--- ${id} starting at ${new Date().toISOString()}\n`);
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once("close", () => log.end());
    const node: NodeProcess = {
      id,
      child,
      exit: null,
      exited: new Promise<Exit>((resolve) => {
        child.once("exit", (code, signal) => {
          node.exit = { code, signal };
          resolve(node.exit);
        });
        // A process that could not be spawned never exits: it ends here, its reason in its log.
        child.once("error", (err) => {
          log.write(`spawn failed: ${String(err)}\n`);
          node.exit ??= { code: null, signal: null };
          resolve(node.exit);
        });
      }),
    };
    this.nodes.set(id, node);
  }

  private describeExit(node: NodeProcess): string {
    if (!node.exit) return `(pid ${node.child.pid}, running)`;
    return `(pid ${node.child.pid}, exited: code ${node.exit.code}, signal ${node.exit.signal})`;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}
