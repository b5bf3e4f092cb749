/**
 * A FIFO mutex that knows, through AsyncLocalStorage, whether the running
 * code already holds it, so a write issued from inside a held section can
 * join it instead of waiting for itself.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Transaction } from "sequelize";

/** One turn at the lock; `transaction` is set once a managed transaction has begun in it. */
export interface WriterHold {
  active: boolean;
  transaction?: Transaction;
}

export class WriterQueue {
  private tail: Promise<void> = Promise.resolve();
  private readonly holds = new AsyncLocalStorage<WriterHold>();
  private queued = 0;

  /** Callers waiting for, or holding, the lock. */
  get length(): number {
    return this.queued;
  }

  /** Waits for the lock; the returned release is idempotent. */
  async acquire(): Promise<() => void> {
    const previous = this.tail;
    let open!: () => void;
    this.tail = new Promise<void>((resolve) => (open = resolve));
    this.queued += 1;
    await previous;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.queued -= 1;
      open();
    };
  }

  /** Runs `work` alone, in FIFO order; the lock is released however `work` ends. */
  async run<T>(work: (hold: WriterHold) => Promise<T>): Promise<T> {
    const release = await this.acquire();
    const hold: WriterHold = { active: true };
    try {
      return await this.holds.run(hold, () => work(hold));
    } finally {
      // Promises born inside `work` keep this context; once released they must queue like anyone else.
      hold.active = false;
      release();
    }
  }

  /** The hold of the calling async context, if it still owns the lock. */
  current(): WriterHold | undefined {
    const hold = this.holds.getStore();
    return hold?.active ? hold : undefined;
  }
}
