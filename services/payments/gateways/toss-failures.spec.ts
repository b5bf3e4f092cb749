/**
 * Failures the sandbox's prefixes cannot stage: a charge whose answer is lost,
 * PROVIDER_ERROR, an unreachable gateway. A stub in front of the real sandbox
 * plays each one.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import crypto from "node:crypto";
import { startSandbox } from "../sandbox";
import type { Sandbox } from "../sandbox";
import { GatewayUnavailableError } from "./gateway";
import { createTossGateway } from "./toss";

const SECRET = "test_sk_spec";
let sandbox: Sandbox;
const stubs: http.Server[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ secretKey: SECRET });
});
afterAll(async () => {
  for (const stub of stubs) stub.closeAllConnections();
  await Promise.all(stubs.map((stub) => new Promise((resolve) => stub.close(resolve))));
  await sandbox.close();
});

/** A stub gateway: `handler` answers, or returns false to pass the request on to the sandbox. */
async function stub(
  handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => boolean | Promise<boolean>,
): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      void (async () => {
        if (await handler(req, body, res)) return;
        const upstream = await forward(req, body);
        res.writeHead(upstream.status, { "content-type": "application/json" });
        res.end(await upstream.text());
      })();
    });
  });
  stubs.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function forward(req: http.IncomingMessage, body: string): Promise<Response> {
  const headers: Record<string, string> = {};
  for (const name of ["authorization", "content-type", "idempotency-key"]) {
    const value = req.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  return fetch(`${sandbox.url}${req.url}`, {
    method: req.method,
    headers,
    body: req.method === "POST" ? body : undefined,
  });
}

const order = (prefix = "") => ({
  paymentKey: `${prefix}${crypto.randomBytes(6).toString("hex")}`,
  orderId: `order-${crypto.randomBytes(6).toString("hex")}`,
  amount: 5000,
});

test("a confirm charged but never answered: the look-up finds it DONE and the confirm resolves approved", async () => {
  const url = await stub(async (req, body) => {
    if (req.url !== "/v1/payments/confirm") return false;
    await forward(req, body); // the sandbox charges…
    return true; // …and the answer never comes back
  });
  const pg = createTossGateway({ baseUrl: url, secretKey: SECRET, timeoutMs: 200, backoffMs: 1 });
  const req = order();
  expect(await pg.confirm(req)).toMatchObject({
    paymentKey: req.paymentKey,
    status: "DONE",
    totalAmount: 5000,
  });
});

test("PROVIDER_ERROR (a 400) is retried with the same key, and the retry's answer counts", async () => {
  const keys: (string | undefined)[] = [];
  const url = await stub((req, _body, res) => {
    if (req.url !== "/v1/payments/confirm") return false;
    keys.push(req.headers["idempotency-key"] as string | undefined);
    if (keys.length > 2) return false;
    res.writeHead(400, { "content-type": "application/json" });
    res.end(JSON.stringify({ code: "PROVIDER_ERROR", message: "일시적인 오류가 발생했습니다." }));
    return true;
  });
  const waits: number[] = [];
  const pg = createTossGateway({
    baseUrl: url,
    secretKey: SECRET,
    backoffMs: 100,
    sleep: (ms) => Promise.resolve(void waits.push(ms)),
  });
  expect(await pg.confirm(order())).toMatchObject({ status: "DONE" });
  expect(keys).toHaveLength(3);
  expect(new Set(keys).size).toBe(1);
  // Exponential: the second wait is about twice the first (each has up to 50 % jitter off).
  expect(waits).toHaveLength(2);
  expect(waits[0]).toBeGreaterThanOrEqual(50);
  expect(waits[0]).toBeLessThanOrEqual(100);
  expect(waits[1]).toBeGreaterThanOrEqual(100);
  expect(waits[1]).toBeLessThanOrEqual(200);
});

test("an unreachable gateway: retried twice, then unavailable with the outcome unknown", async () => {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));

  const waits: number[] = [];
  const pg = createTossGateway({
    baseUrl: `http://127.0.0.1:${port}`,
    secretKey: SECRET,
    sleep: (ms) => Promise.resolve(void waits.push(ms)),
  });
  const err = await pg.confirm(order()).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(GatewayUnavailableError);
  // The look-up failed too, so nobody knows whether the charge went through.
  expect(err).toMatchObject({ reason: "network", outcome: "unknown", retryable: true });
  // Two retries for the confirm, two for the look-up.
  expect(waits).toHaveLength(4);
});
