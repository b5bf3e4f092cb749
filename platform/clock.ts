/**
 * Time as a port: the current instant and one-shot timers. Actors and their
 * registry take a Clock, so tests move time with a fake one instead of sleeping.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Runs `fn` once after `ms`; a pending timer never keeps the process alive. */
  after(ms: number, fn: () => void): Timer;
}

/** The longest delay Node's timers accept. */
const MAX_DELAY = 2 ** 31 - 1;

export function systemClock(now: () => number = Date.now): Clock {
  return {
    now,
    after(ms, fn) {
      const handle = setTimeout(fn, Math.min(Math.max(0, ms), MAX_DELAY));
      handle.unref();
      return { cancel: () => clearTimeout(handle) };
    },
  };
}
