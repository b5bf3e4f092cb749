import { LoginThrottle, MemoryAttemptStore } from "./login-throttle";

const limits = { maxPerEmail: 3, maxPerAddress: 5, windowMs: 60_000 };

describe("LoginThrottle", () => {
  let now = 0;
  const throttle = () => new LoginThrottle(new MemoryAttemptStore(() => now), limits);
  beforeEach(() => {
    now = 1_000_000;
  });

  test("an email is blocked after its limit, until its window ends, with the wait in seconds", async () => {
    const t = throttle();
    for (let i = 0; i < 3; i++) {
      await t.check("a@b.c", "10.0.0.1");
      await t.failed("a@b.c", "10.0.0.1");
    }
    now += 20_000;
    await expect(t.check("a@b.c", "10.0.0.2")).rejects.toMatchObject({
      code: 429,
      type: "TOO_MANY_ATTEMPTS",
      data: { retryAfterSeconds: 40 },
    });
    now += 40_000;
    await expect(t.check("a@b.c", "10.0.0.1")).resolves.toBeUndefined();
  });

  test("one address trying many emails is blocked at the address limit", async () => {
    const t = throttle();
    for (let i = 0; i < 5; i++) await t.failed(`user${i}@b.c`, "10.0.0.9");
    await expect(t.check("fresh@b.c", "10.0.0.9")).rejects.toMatchObject({ code: 429 });
    await expect(t.check("fresh@b.c", "10.0.0.10")).resolves.toBeUndefined();
  });

  test("a success clears the email's count", async () => {
    const t = throttle();
    for (let i = 0; i < 2; i++) await t.failed("a@b.c", "10.0.0.1");
    await t.succeeded("a@b.c");
    for (let i = 0; i < 2; i++) await t.failed("a@b.c", "10.0.0.1");
    await expect(t.check("a@b.c", "10.0.0.1")).resolves.toBeUndefined();
  });
});
