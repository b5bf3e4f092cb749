/**
 * The Toss adapter against the project's sandbox over HTTP on loopback: every
 * prefix behaviour of shared/API.md, counted on the sandbox's request log.
 */
import crypto from "node:crypto";
import { startSandbox } from "../sandbox";
import type { Sandbox } from "../sandbox";
import {
  AlreadyProcessedError,
  GatewayAuthError,
  GatewayRequestError,
  GatewayUnavailableError,
  PaymentDeclinedError,
  resolveGateway,
} from ".";
import type { GatewayTuning } from ".";
import { confirmKey, createTossGateway } from "./toss";

const SECRET = "test_sk_spec";
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ secretKey: SECRET });
});
afterAll(async () => {
  await sandbox.close();
});

const fast: GatewayTuning = { timeoutMs: 250, backoffMs: 5 };
const gateway = (tuning: GatewayTuning = {}) =>
  resolveGateway({ pgBaseUrl: sandbox.url, pgSecretKey: SECRET }, { ...fast, ...tuning });
const id = (prefix = "") => `${prefix}${crypto.randomBytes(6).toString("hex")}`;
const order = (prefix = "") => ({ paymentKey: id(prefix), orderId: id("order-"), amount: 10_000 });
const calls = (method: string, pathEnd: string) =>
  sandbox.requests.filter((r) => r.method === method && r.path.endsWith(pathEnd)).length;

test("approves a confirm: DONE with the whole amount refundable, and get finds it", async () => {
  const pg = gateway();
  const req = order();
  const paid = await pg.confirm(req);
  expect(paid).toMatchObject({ ...{ paymentKey: req.paymentKey, orderId: req.orderId }, status: "DONE" });
  expect(paid).toMatchObject({ totalAmount: 10_000, balanceAmount: 10_000 });
  expect(paid.approvedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$/);
  expect(await pg.get(req.paymentKey)).toEqual(paid);
  const sent = sandbox.requests.filter((r) => r.path === "/v1/payments/confirm").at(-1);
  expect(sent?.idempotencyKey).toBe(confirmKey(req));
});

test("a decline is a PaymentDeclinedError, sent once and never retried", async () => {
  const req = order("decline_");
  const err = await gateway()
    .confirm(req)
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PaymentDeclinedError);
  expect(err).toMatchObject({
    code: 402,
    type: "PAYMENT_DECLINED",
    data: { gatewayCode: "REJECT_CARD_PAYMENT" },
  });
  expect(sandbox.requests.filter((r) => r.idempotencyKey === confirmKey(req))).toHaveLength(1);
  // A definite no needs no look-up.
  expect(calls("GET", `/${req.paymentKey}`)).toBe(0);
});

test("error_ is retried twice with the same Idempotency-Key, then unavailable; the look-up says not charged", async () => {
  const req = order("error_");
  const err = await gateway()
    .confirm(req)
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(GatewayUnavailableError);
  expect(err).toMatchObject({ reason: "server", outcome: "not-charged" });
  const attempts = sandbox.requests.filter(
    (r) => r.path === "/v1/payments/confirm" && r.idempotencyKey === confirmKey(req),
  );
  expect(attempts).toHaveLength(3);
  expect(calls("GET", `/${req.paymentKey}`)).toBe(1);
});

test("timeout_ times out after timeoutMs, is not re-sent, and the look-up decides: not charged", async () => {
  const req = order("timeout_");
  const started = Date.now();
  const err = await gateway({ timeoutMs: 200 })
    .confirm(req)
    .catch((e: unknown) => e);
  expect(Date.now() - started).toBeLessThan(2000);
  expect(err).toBeInstanceOf(GatewayUnavailableError);
  expect(err).toMatchObject({ reason: "timeout", outcome: "not-charged" });
  expect(sandbox.requests.filter((r) => r.idempotencyKey === confirmKey(req))).toHaveLength(1);
  expect(calls("GET", `/${req.paymentKey}`)).toBe(1);
});

test("confirm again: the same request replays its answer; the same paymentKey for another order is AlreadyProcessed", async () => {
  const pg = gateway();
  const req = order();
  const first = await pg.confirm(req);
  expect(await pg.confirm(req)).toEqual(first);
  const err = await pg.confirm({ ...req, orderId: id("order-") }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AlreadyProcessedError);
  expect(err).toMatchObject({ data: { gatewayCode: "ALREADY_PROCESSED_PAYMENT" } });
  expect(
    sandbox.requests.filter((r) => r.path === "/v1/payments/confirm" && r.idempotencyKey === confirmKey(req)),
  ).toHaveLength(2);
});

test("cancel: partial, the same key again changes nothing, then the rest; a third refund is refused", async () => {
  const pg = gateway();
  const req = order();
  await pg.confirm(req);
  const partial = await pg.cancel(req.paymentKey, { cancelReason: "late", cancelAmount: 3000 }, "refund-1");
  expect(partial).toMatchObject({ status: "PARTIAL_CANCELED", totalAmount: 10_000, balanceAmount: 7000 });
  expect(await pg.cancel(req.paymentKey, { cancelReason: "late", cancelAmount: 3000 }, "refund-1")).toEqual(
    partial,
  );
  expect(await pg.get(req.paymentKey)).toMatchObject({ balanceAmount: 7000 });

  await expect(
    pg.cancel(req.paymentKey, { cancelReason: "x", cancelAmount: 8000 }, "refund-2"),
  ).rejects.toBeInstanceOf(GatewayRequestError);
  const full = await pg.cancel(req.paymentKey, { cancelReason: "cancelled" }, "refund-3");
  expect(full).toMatchObject({ status: "CANCELED", balanceAmount: 0 });
  expect(full.cancels?.map((c) => c.cancelAmount)).toEqual([3000, 7000]);
  await expect(pg.cancel(req.paymentKey, { cancelReason: "again" }, "refund-4")).rejects.toBeInstanceOf(
    AlreadyProcessedError,
  );
});

test("a full refund at once", async () => {
  const pg = gateway();
  const req = order();
  await pg.confirm(req);
  expect(await pg.cancel(req.paymentKey, { cancelReason: "cancelled" }, id())).toMatchObject({
    status: "CANCELED",
    balanceAmount: 0,
  });
});

test("get of an unknown payment is null; cancel of one is not found", async () => {
  const pg = gateway();
  expect(await pg.get(id("nope_"))).toBeNull();
  await expect(pg.cancel(id("nope_"), { cancelReason: "x" }, id())).rejects.toMatchObject({
    type: "PAYMENT_NOT_FOUND",
  });
});

test("a wrong secret key is a GatewayAuthError, not retried, not held against the gateway", async () => {
  const pg = createTossGateway({
    baseUrl: sandbox.url,
    secretKey: "test_sk_wrong",
    ...fast,
    breakerThreshold: 1,
  });
  const req = order();
  const err = await pg.confirm(req).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(GatewayAuthError);
  expect(err).toMatchObject({ data: { gatewayCode: "UNAUTHORIZED_KEY" } });
  expect(sandbox.requests.filter((r) => r.idempotencyKey === confirmKey(req))).toHaveLength(1);
  expect(pg.breaker.state()).toBe("closed");
});

test("the circuit opens after repeated unavailability, refuses without sending, and recovers after the cool-down", async () => {
  let now = 0;
  const pg = createTossGateway({
    baseUrl: sandbox.url,
    secretKey: SECRET,
    ...fast,
    retries: 0,
    breakerThreshold: 2,
    breakerCooldownMs: 30_000,
    now: () => now,
  });
  // A decline is an answer from a healthy gateway: it does not count.
  await expect(pg.confirm(order("decline_"))).rejects.toBeInstanceOf(PaymentDeclinedError);
  for (let i = 0; i < 2; i++)
    await expect(pg.confirm(order("error_"))).rejects.toBeInstanceOf(GatewayUnavailableError);
  expect(pg.breaker.state()).toBe("open");

  const refused = order();
  const before = sandbox.requests.length;
  const err = await pg.confirm(refused).catch((e: unknown) => e);
  expect(err).toMatchObject({ reason: "circuit-open", outcome: "not-charged" });
  expect(sandbox.requests.length).toBe(before);

  now += 30_000;
  expect(await pg.confirm(order())).toMatchObject({ status: "DONE" });
  expect(pg.breaker.state()).toBe("closed");
});
