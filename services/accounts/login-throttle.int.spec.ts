/**
 * Brute force (issue 13): after 10 failures for one email in 15 minutes every
 * attempt for it is a 429 with Retry-After, the right password included; in
 * memory in embedded mode, in Redis (shared by every node) when REDIS_URL is set.
 */
import crypto from "node:crypto";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";

const PASSWORD = "correct horse battery";

async function signUp(node: TestNode, email: string) {
  const res = await node.http("POST", "/api/v1/auth/signup", {
    body: { email, password: PASSWORD, name: "김엄마", phone: "010-1234-5678", birthDate: "1990-04-01" },
  });
  expect(res.status).toBe(201);
}

const login = (node: TestNode, email: string, password: string) =>
  node.http("POST", "/api/v1/auth/login", { body: { email, password } });

async function failTenTimes(node: TestNode, email: string) {
  for (let i = 0; i < 10; i++) expect((await login(node, email, `wrong-${i}`)).status).toBe(401);
}

describe.each([
  ["in memory", {}],
  ["in Redis", { redisUrl: "redis://127.0.0.1:6379", namespace: `throttle-${crypto.randomUUID()}` }],
])("login throttling %s", (_name, overrides) => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode(overrides);
  });
  afterAll(() => node.close());

  test("the 11th attempt is a 429 whatever the password; other emails are not affected", async () => {
    await signUp(node, "victim@example.com");
    await signUp(node, "bystander@example.com");
    await failTenTimes(node, "victim@example.com");
    const blocked = await login(node, "victim@example.com", PASSWORD);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("TOO_MANY_ATTEMPTS");
    const retryAfter = Number(blocked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // The same account however its email is spelt.
    expect((await login(node, "VICTIM@example.com", PASSWORD)).status).toBe(429);
    expect((await login(node, "bystander@example.com", PASSWORD)).status).toBe(200);
  });

  test("an unknown email is throttled the same way (no hint that it does not exist)", async () => {
    await failTenTimes(node, "nobody@example.com");
    expect((await login(node, "nobody@example.com", "anything")).status).toBe(429);
  });
});

describe("login throttling over time", () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startTestNode();
  });
  afterAll(() => node.close());

  test("the block lifts when the 15-minute window ends; a success forgets earlier typos", async () => {
    await signUp(node, "typo@example.com");
    for (let i = 0; i < 9; i++) await login(node, "typo@example.com", "wrong");
    expect((await login(node, "typo@example.com", PASSWORD)).status).toBe(200);
    await failTenTimes(node, "typo@example.com");
    expect((await login(node, "typo@example.com", PASSWORD)).status).toBe(429);
    node.advance(15 * 60_000 + 1000);
    expect((await login(node, "typo@example.com", PASSWORD)).status).toBe(200);
  });
});
