/** A clock that moves only when the test says so; timers fire in due order as it passes them. */
import type { Clock, Timer } from "../../platform/clock";

interface Pending {
  due: number;
  fn: () => void;
  cancelled: boolean;
}

export class FakeClock implements Clock {
  private readonly timers: Pending[] = [];

  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  after(ms: number, fn: () => void): Timer {
    const timer: Pending = { due: this.current + Math.max(0, ms), fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => void (timer.cancelled = true) };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.timers
        .filter((t) => !t.cancelled && t.due <= target)
        .sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      next.cancelled = true;
      this.current = Math.max(this.current, next.due);
      next.fn();
    }
    this.current = target;
  }
}
