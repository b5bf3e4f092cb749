import { createCircuitBreaker } from "./circuit-breaker";

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test("opens after the threshold of consecutive failures, not before", () => {
  const c = clock();
  const breaker = createCircuitBreaker({ failureThreshold: 3, cooldownMs: 10_000, now: c.now });
  for (let i = 0; i < 2; i++) {
    expect(breaker.tryAcquire()).toBe(true);
    breaker.failure();
  }
  expect(breaker.state()).toBe("closed");
  expect(breaker.tryAcquire()).toBe(true);
  breaker.failure();
  expect(breaker.state()).toBe("open");
  expect(breaker.tryAcquire()).toBe(false);
  expect(breaker.retryAt()).toBe(11_000);
});

test("a success in between resets the count: failures must be consecutive", () => {
  const breaker = createCircuitBreaker({ failureThreshold: 2, cooldownMs: 1000, now: clock().now });
  breaker.failure();
  breaker.success();
  breaker.failure();
  expect(breaker.state()).toBe("closed");
  breaker.failure();
  expect(breaker.state()).toBe("open");
});

test("after the cool-down one trial goes through; its success closes the circuit", () => {
  const c = clock();
  const breaker = createCircuitBreaker({ failureThreshold: 1, cooldownMs: 5000, now: c.now });
  breaker.failure();
  c.advance(4999);
  expect(breaker.tryAcquire()).toBe(false);
  c.advance(1);
  expect(breaker.state()).toBe("half-open");
  expect(breaker.tryAcquire()).toBe(true);
  // The trial is out: everyone else is still refused.
  expect(breaker.tryAcquire()).toBe(false);
  breaker.success();
  expect(breaker.state()).toBe("closed");
  expect(breaker.tryAcquire()).toBe(true);
  expect(breaker.tryAcquire()).toBe(true);
});

test("a failed trial opens the circuit for another full cool-down", () => {
  const c = clock();
  const breaker = createCircuitBreaker({ failureThreshold: 2, cooldownMs: 5000, now: c.now });
  breaker.failure();
  breaker.failure();
  c.advance(5000);
  expect(breaker.tryAcquire()).toBe(true);
  breaker.failure();
  expect(breaker.state()).toBe("open");
  c.advance(4999);
  expect(breaker.tryAcquire()).toBe(false);
  c.advance(1);
  expect(breaker.tryAcquire()).toBe(true);
});

test("refuses nonsense settings", () => {
  expect(() => createCircuitBreaker({ failureThreshold: 0, cooldownMs: 1, now: Date.now })).toThrow(
    RangeError,
  );
  expect(() => createCircuitBreaker({ failureThreshold: 1, cooldownMs: -1, now: Date.now })).toThrow(
    RangeError,
  );
});
