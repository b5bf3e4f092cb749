/**
 * A real node (every service, HTTP gateway on a random port) over a private
 * database, with a clock the test controls, and a tiny HTTP client.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { loadConfig } from "../../platform/config";
import type { AppConfig } from "../../platform/config";
import { createNode } from "../../node";
import type { HospitalNode, NodeOptions } from "../../node";
import { signToken } from "../../services/accounts/tokens";
import type { TokenClaims } from "../../services/accounts/tokens";
import { createTestDatabase } from "./databases";
import { TestClock } from "./test-clock";
import type { TestDatabase } from "./databases";

export const TEST_JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestNode extends HospitalNode {
  db: TestDatabase;
  baseUrl: string;
  /** Moves the node's clock. */
  setNow(instant: Date | string): void;
  /** Moves the node's clock forward, firing the timers that fall due on the way. */
  advance(ms: number): void;
  http<T = any>(
    method: string,
    path: string,
    options?: { body?: unknown; token?: string; raw?: string; headers?: Record<string, string> },
  ): Promise<HttpResult<T>>;
  tokenFor(claims: TokenClaims): string;
  close(): Promise<void>;
}

export async function startTestNode(
  overrides: Partial<AppConfig> = {},
  options: Pick<NodeOptions, "extraServices" | "extraRoutes"> & {
    /** Runs on the migrated database before the broker starts, e.g. to load demo data as server.ts does. */
    beforeStart?: (node: HospitalNode) => Promise<void>;
  } = {},
): Promise<TestNode> {
  const db = await createTestDatabase();
  // The clock runs at real speed from wherever the test sets it, so timers (hold expiry) still fire;
  // `advance` moves it on and fires what falls due, so tests need not sleep.
  const clock = new TestClock();
  const config: AppConfig = {
    ...loadConfig({ JWT_SECRET: TEST_JWT_SECRET, LOG_LEVEL: "warn" }),
    dbUrl: db.url,
    port: 0,
    metricsPort: 0,
    seedOnEmpty: false,
    ...overrides,
  };
  const { beforeStart, ...nodeOptions } = options;
  const node = await createNode(config, {
    clock,
    broker: { logger: false },
    ...nodeOptions,
  });
  await beforeStart?.(node);
  await node.broker.start();
  const server = (node.broker.getLocalService("api") as unknown as { server: Server }).server;
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    ...node,
    db,
    baseUrl,
    setNow: (instant) => clock.set(instant),
    advance: (ms) => clock.advance(ms),
    async http(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined = options.raw;
      if (options.body !== undefined) {
        headers["content-type"] = "application/json";
        body = JSON.stringify(options.body);
      } else if (body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    },
    tokenFor: (claims) => signToken(claims, TEST_JWT_SECRET, 3600),
    async close() {
      await node.stop();
      await db.drop();
    },
  };
}
