/**
 * The test node's clock: real time from wherever the test sets it, so a node
 * behaves as in production, plus `advance(ms)`, which moves time forward and
 * fires at once every timer that falls due — a test waits for no real minutes.
 */
import type { Clock, Timer } from "../../platform/clock";
import { systemClock } from "../../platform/clock";

interface Pending {
  due: number;
  fn: () => void;
  timer: Timer;
  done: boolean;
}

export class TestClock implements Clock {
  private offset = 0;
  private readonly pending = new Set<Pending>();
  private readonly real = systemClock(() => this.now());

  now(): number {
    return Date.now() + this.offset;
  }

  /** Jumps to `instant`; pending timers keep their delays (a jump is not time passing). */
  set(instant: Date | string | number): void {
    const delta = new Date(instant).getTime() - this.now();
    this.offset += delta;
    for (const p of this.pending) p.due += delta;
  }

  after(ms: number, fn: () => void): Timer {
    const entry: Pending = { due: this.now() + ms, fn, done: false, timer: { cancel: () => undefined } };
    const fire = () => {
      if (entry.done) return;
      entry.done = true;
      this.pending.delete(entry);
      fn();
    };
    entry.fn = fire;
    entry.timer = this.real.after(ms, fire);
    this.pending.add(entry);
    return {
      cancel: () => {
        entry.done = true;
        entry.timer.cancel();
        this.pending.delete(entry);
      },
    };
  }

  /** Moves time forward by `ms` and fires every timer now due, earliest first. */
  advance(ms: number): void {
    this.offset += ms;
    const due = [...this.pending].filter((p) => p.due <= this.now()).sort((a, b) => a.due - b.due);
    for (const p of due) {
      p.timer.cancel();
      p.fn();
    }
  }
}
