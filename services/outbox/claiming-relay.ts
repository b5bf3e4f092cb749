/**
 * Publishes outbox rows in order per key, at least once, from any number of
 * nodes sharing the database: each round leases a batch of rows, publishes
 * only keys whose head (first undispatched row) it holds, and gives back the
 * rest. A failed row stays the head of its key, so nothing overtakes it.
 */
import crypto from "node:crypto";
import { toMessage } from "./outbox";
import type { OutboxRecord } from "./outbox";
import type { ClaimedRecord, OutboxStore } from "./outbox-store";
import { OutboxPublishError, errorText } from "./relays/transport";
import type { OutboxRelay, OutboxTransport } from "./relays/transport";

/** Runs `fn` every `ms` and returns how to stop; `setInterval` by default, a fake in tests. */
export type Every = (fn: () => void, ms: number) => () => void;

/** Tuning and injected time; only `owner` is required. */
export interface RelayOptions {
  /** This node's id, recorded in `claimed_by`. */
  owner: string;
  now?: () => number;
  every?: Every;
  logger?: { warn(message: string, err?: unknown): void };
  /** Rows leased per round. */
  batchSize?: number;
  /** How long a lease lasts: longer than a publish takes, or another node may publish the same row too. */
  leaseMs?: number;
  sweepEveryMs?: number;
  /** How long dispatched rows are kept. */
  retentionMs?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Exponential backoff for the `attempts`-th failure of a row. */
export function retryDelay(attempts: number, baseMs = 1000, maxMs = 60_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

const defaultEvery: Every = (fn, ms) => {
  const timer = setInterval(fn, ms);
  timer.unref();
  return () => clearInterval(timer);
};

/** The one relay: claiming, ordering, retries and pruning, whatever the transport. */
export class ClaimingRelay implements OutboxRelay {
  private readonly store: OutboxStore;
  private readonly options: Required<RelayOptions>;
  private running: Promise<number> | null = null;
  private again = false;
  private cancelTimer: (() => void) | null = null;

  constructor(
    store: OutboxStore,
    private readonly transport: OutboxTransport,
    options: RelayOptions,
  ) {
    this.store = store;
    this.options = {
      now: Date.now,
      every: defaultEvery,
      logger: { warn: () => undefined },
      batchSize: 100,
      leaseMs: 30_000,
      sweepEveryMs: 5_000,
      retentionMs: 3 * DAY_MS,
      retryBaseMs: 1_000,
      retryMaxMs: 60_000,
      // An option present but undefined (unset in configuration) keeps its default.
      ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as RelayOptions),
    };
  }

  committed(records: readonly OutboxRecord[]): void {
    if (records.length > 0) void this.pump();
  }

  async sweep(): Promise<number> {
    const published = await this.pump();
    try {
      await this.store.prune(this.options.now() - this.options.retentionMs);
    } catch (err) {
      this.options.logger.warn("Outbox prune failed", err);
    }
    return published;
  }

  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  async start(): Promise<void> {
    await this.transport.start?.();
    this.cancelTimer ??= this.options.every(() => void this.sweep(), this.options.sweepEveryMs);
  }

  async stop(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = null;
    await this.drain();
    await this.transport.stop?.();
  }

  /** One loop at a time per relay; a call during a loop asks it for one more round. */
  private pump(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => (this.running = null));
    return this.running;
  }

  private async loop(): Promise<number> {
    let total = 0;
    do {
      this.again = false;
      try {
        const published = await this.round();
        total += published;
        // Progress may have unblocked rows queued behind what we just published.
        if (published > 0) this.again = true;
      } catch (err) {
        // The database or transport is down: the next commit or sweep tries again.
        this.options.logger.warn("Outbox relay round failed", err);
        return total;
      }
    } while (this.again);
    return total;
  }

  private async round(): Promise<number> {
    const { now, leaseMs, batchSize, owner } = this.options;
    const start = now();
    const token = `${owner}/${crypto.randomBytes(4).toString("hex")}`;
    const claimed = await this.store.claim(token, start, start + leaseMs, batchSize);
    if (claimed.length === 0) return 0;
    const byKey = new Map<string, ClaimedRecord[]>();
    for (const r of claimed) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
    const heads = await this.store.heads([...byKey.keys()]);
    const results = await Promise.allSettled(
      [...byKey].map(([key, rows]) => this.publishKey(token, rows, heads.get(key), start + leaseMs)),
    );
    const failed = results.find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
    return results.reduce((sum, r) => sum + (r.status === "fulfilled" ? r.value : 0), 0);
  }

  /** Publishes the run of leased rows that starts at the key's head; gives back the others. */
  private async publishKey(token: string, rows: ClaimedRecord[], head: number | undefined, leaseEnd: number) {
    rows.sort((a, b) => a.seq - b.seq);
    let runLength = 0;
    while (runLength < rows.length && rows[runLength].seq === (head ?? NaN) + runLength) runLength++;
    // A lease that ran out may already be someone else's: publishing now would race them.
    if (this.options.now() >= leaseEnd) runLength = 0;
    const run = rows.slice(0, runLength);
    let published = run.length;
    let failure: unknown = null;
    if (run.length > 0) {
      try {
        await this.transport.publish(run.map(toMessage));
      } catch (err) {
        published = err instanceof OutboxPublishError ? Math.min(err.published, run.length - 1) : 0;
        failure = err instanceof OutboxPublishError ? err.failure : err;
      }
    }
    await this.store.markDispatched(
      run.slice(0, published).map((r) => r.id),
      this.options.now(),
    );
    const rest = rows.slice(published);
    if (failure !== null) {
      const [stuck] = rest.splice(0, 1);
      const { retryBaseMs, retryMaxMs } = this.options;
      const retryAt = this.options.now() + retryDelay(stuck.attempts + 1, retryBaseMs, retryMaxMs);
      await this.store.fail(stuck.id, errorText(failure), retryAt);
      this.options.logger.warn(`Outbox publish of ${stuck.key}#${stuck.seq} failed; retrying later`, failure);
    }
    await this.store.release(
      rest.map((r) => r.id),
      token,
    );
    return published;
  }
}
