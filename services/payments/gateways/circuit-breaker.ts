/**
 * A small circuit breaker: after `failureThreshold` consecutive failures it
 * opens and refuses calls for `cooldownMs`, then lets one trial call through
 * (half-open); the trial's success closes it, its failure opens it again.
 * Pure: the clock is passed in and nothing here sleeps or sets a timer, so the
 * spec drives it with a fake clock.
 */

export type CircuitState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (≥ 1). */
  failureThreshold: number;
  /** How long the circuit stays open before a trial call, in ms. */
  cooldownMs: number;
  /** Milliseconds since some epoch; `Date.now` in production. */
  now: () => number;
}

/** What the breaker tracks; read by `state()` and logs. */
export interface CircuitBreaker {
  /**
   * Asks to make a call. `false`: refused (open, or half-open with the trial
   * already out). `true`: go ahead, then report `success()` or `failure()`.
   */
  tryAcquire(): boolean;
  /** The call got an answer from a healthy gateway (a decline counts: the gateway is up). */
  success(): void;
  /** The call found the gateway unavailable. */
  failure(): void;
  state(): CircuitState;
  /** When an open circuit lets its trial through (ms, on the injected clock); null unless open. */
  retryAt(): number | null;
}

/** A breaker in the closed state. */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  if (!Number.isInteger(options.failureThreshold) || options.failureThreshold < 1)
    throw new RangeError("failureThreshold must be an integer ≥ 1");
  if (!(options.cooldownMs >= 0)) throw new RangeError("cooldownMs must be ≥ 0");

  let state: CircuitState = "closed";
  let failures = 0;
  let openedAt = 0;
  let trialOut = false;

  const open = (): void => {
    state = "open";
    openedAt = options.now();
    trialOut = false;
  };

  return {
    tryAcquire() {
      if (state === "open" && options.now() - openedAt >= options.cooldownMs) {
        state = "half-open";
        trialOut = false;
      }
      if (state === "closed") return true;
      if (state === "open" || trialOut) return false;
      // Half-open: exactly one trial, so a still-sick gateway sees one request, not a stampede.
      trialOut = true;
      return true;
    },
    success() {
      state = "closed";
      failures = 0;
      trialOut = false;
    },
    failure() {
      if (state === "half-open") {
        open();
        return;
      }
      failures += 1;
      if (state === "closed" && failures >= options.failureThreshold) open();
    },
    state() {
      // Report the cool-down's end without waiting for a call to notice it.
      if (state === "open" && options.now() - openedAt >= options.cooldownMs) return "half-open";
      return state;
    },
    retryAt() {
      return state === "open" ? openedAt + options.cooldownMs : null;
    },
  };
}
