/** The sandbox's own contract, spoken to in raw HTTP (the adapter's spec covers the rest). */
import { startSandbox } from ".";
import type { Sandbox } from ".";

const SECRET = "test_sk_spec";
const auth = `Basic ${Buffer.from(`${SECRET}:`).toString("base64")}`;
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ secretKey: SECRET });
});
afterAll(async () => {
  await sandbox.close();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { authorization: auth, "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

test("listens on loopback at a free port by default", () => {
  expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
});

test("a missing or wrong key is 401 UNAUTHORIZED_KEY", async () => {
  const wrong = `Basic ${Buffer.from("test_sk_other:").toString("base64")}`;
  expect(await call("GET", "/v1/payments/x", undefined, { authorization: wrong })).toEqual({
    status: 401,
    body: expect.objectContaining({ code: "UNAUTHORIZED_KEY" }),
  });
  const res = await fetch(`${sandbox.url}/v1/payments/x`);
  expect(res.status).toBe(401);
});

test("answers by prefix: decline_ 403, error_ 500, others approved; GET of an unknown key 404", async () => {
  const body = (paymentKey: string) => ({ paymentKey, orderId: `order-${paymentKey}`, amount: 1000 });
  expect(await call("POST", "/v1/payments/confirm", body("decline_a1"))).toMatchObject({
    status: 403,
    body: { code: "REJECT_CARD_PAYMENT" },
  });
  expect((await call("POST", "/v1/payments/confirm", body("error_a1"))).status).toBe(500);
  expect(await call("POST", "/v1/payments/confirm", body("ok_a1"))).toMatchObject({
    status: 200,
    body: { status: "DONE", totalAmount: 1000, balanceAmount: 1000, cancels: null },
  });
  expect(await call("POST", "/v1/payments/confirm", body("ok_a1"))).toMatchObject({
    status: 400,
    body: { code: "ALREADY_PROCESSED_PAYMENT" },
  });
  // Neither a decline nor a 500 leaves a payment behind.
  expect(await call("GET", "/v1/payments/decline_a1")).toMatchObject({
    status: 404,
    body: { code: "NOT_FOUND_PAYMENT" },
  });
  expect((await call("GET", "/v1/payments/error_a1")).status).toBe(404);
});

test("refuses a malformed confirm with INVALID_REQUEST", async () => {
  for (const bad of [
    { orderId: "order-1", amount: 1 },
    { paymentKey: "k", orderId: "x", amount: 1 },
    { paymentKey: "k", orderId: "order-1", amount: -5 },
  ]) {
    expect(await call("POST", "/v1/payments/confirm", bad)).toMatchObject({
      status: 400,
      body: { code: "INVALID_REQUEST" },
    });
  }
});

test("an Idempotency-Key repeated on cancel gets the first answer; a new key refunds again", async () => {
  await call("POST", "/v1/payments/confirm", { paymentKey: "idem_1", orderId: "order-idem-1", amount: 9000 });
  const refund = { cancelReason: "test", cancelAmount: 1000 };
  const first = await call("POST", "/v1/payments/idem_1/cancel", refund, { "idempotency-key": "k1" });
  const again = await call("POST", "/v1/payments/idem_1/cancel", refund, { "idempotency-key": "k1" });
  expect(again).toEqual(first);
  expect(first.body).toMatchObject({ status: "PARTIAL_CANCELED", balanceAmount: 8000 });
  const other = await call("POST", "/v1/payments/idem_1/cancel", refund, { "idempotency-key": "k2" });
  expect(other.body).toMatchObject({ balanceAmount: 7000 });
});

test("timeout_ holds the request, and close() still returns at once, dropping it", async () => {
  const own = await startSandbox({ secretKey: SECRET });
  const held = fetch(`${own.url}/v1/payments/confirm`, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/json" },
    body: JSON.stringify({ paymentKey: "timeout_1", orderId: "order-t-1", amount: 1000 }),
  });
  const outcome = held.then(
    () => "answered",
    () => "dropped",
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(own.requests).toHaveLength(1);
  const started = Date.now();
  await own.close();
  expect(Date.now() - started).toBeLessThan(1000);
  expect(await outcome).toBe("dropped");
});
