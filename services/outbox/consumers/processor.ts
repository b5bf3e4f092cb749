/**
 * The part every transport shares: skip what this consumer already
 * processed, apply the rest in one transaction with the `processed_events`
 * rows, and isolate a failing event so it alone is retried and, after the
 * last attempt, dead-lettered.
 */
import { QueryTypes } from "sequelize";
import type { Sequelize, Transaction } from "sequelize";
import { errorText } from "../relays/transport";
import type { ConsumedEvent, Consumer } from "./consumer";
import { wants } from "./consumer";

/** An event given up on, with why and after how many attempts. */
export interface DeadLetter {
  consumer: string;
  event: ConsumedEvent;
  error: string;
  attempts: number;
  failedAt: number;
}

/** Where dead letters go; runs inside the transaction that marks the event processed. */
export type DeadLetterSink = (letter: DeadLetter, transaction: Transaction) => Promise<void>;

/** Tuning; `maxAttempts` comes from `CONSUMER_MAX_ATTEMPTS`. */
export interface ProcessorOptions {
  maxAttempts: number;
  /** Most events applied in one transaction. */
  maxBatch?: number;
  /** First pause between attempts of one event; doubles each time, up to 5 s. */
  retryBaseMs?: number;
  now?: () => number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs one consumer's handler over delivered events, exactly once per event in effect. */
export class ConsumerProcessor {
  private readonly maxBatch: number;
  private readonly retryBaseMs: number;
  private readonly now: () => number;

  constructor(
    private readonly consumer: Consumer,
    private readonly sequelize: Sequelize,
    private readonly deadLetter: DeadLetterSink,
    private readonly options: ProcessorOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.retryBaseMs = options.retryBaseMs ?? 200;
    this.now = options.now ?? Date.now;
  }

  /**
   * Applies `events` (in order; types the consumer does not want are
   * skipped). Resolves once each is applied, already applied or
   * dead-lettered; rejects only if the database itself fails, so the caller
   * leaves the delivery unacknowledged and gets it again later.
   */
  async process(events: readonly ConsumedEvent[], heartbeat?: () => Promise<void>): Promise<void> {
    const seen = new Set<string>();
    const wanted = events.filter(
      (e) =>
        wants(this.consumer.eventTypes, e.type) &&
        (this.consumer.concerns?.(e) ?? true) &&
        !seen.has(e.eventId) &&
        seen.add(e.eventId),
    );
    for (let i = 0; i < wanted.length; i += this.maxBatch) {
      const chunk = wanted.slice(i, i + this.maxBatch);
      try {
        await this.apply(chunk);
      } catch (err) {
        // One bad event must not hold back the others: retry them one by one (this was attempt 1).
        for (const event of chunk) await this.applyAlone(event, err, heartbeat);
      }
      await heartbeat?.();
    }
  }

  /** One transaction: claim the events in `processed_events`, then let the handler apply the new ones. */
  private async apply(events: readonly ConsumedEvent[]): Promise<void> {
    await this.sequelize.transaction(async (transaction) => {
      const fresh = await this.unprocessed(events, transaction);
      if (fresh.length === 0) return;
      // Inserted first: a concurrent delivery of the same event waits on (or fails at) this key.
      await this.markProcessed(fresh, transaction);
      await this.consumer.handleBatch(fresh, transaction);
    });
  }

  private async applyAlone(event: ConsumedEvent, firstError: unknown, heartbeat?: () => Promise<void>) {
    let error = firstError;
    for (let attempt = 2; attempt <= this.options.maxAttempts; attempt++) {
      await sleep(Math.min(5_000, this.retryBaseMs * 2 ** (attempt - 2)));
      await heartbeat?.();
      try {
        return await this.apply([event]);
      } catch (err) {
        error = err;
      }
    }
    // A database that does not answer is not the event's fault: fail the delivery, keep the event.
    const databaseAnswers = await this.sequelize.query("SELECT 1").then(
      () => true,
      () => false,
    );
    if (!databaseAnswers) throw error instanceof Error ? error : new Error(errorText(error));
    await this.sequelize.transaction(async (transaction) => {
      if ((await this.unprocessed([event], transaction)).length === 0) return;
      await this.markProcessed([event], transaction);
      const letter = {
        consumer: this.consumer.name,
        event,
        error: errorText(error),
        attempts: this.options.maxAttempts,
        failedAt: this.now(),
      };
      await this.deadLetter(letter, transaction);
    });
  }

  private async unprocessed(events: readonly ConsumedEvent[], transaction: Transaction) {
    const rows = await this.sequelize.query<{ event_id: string }>(
      "SELECT event_id FROM processed_events WHERE consumer = ? AND event_id IN (?)",
      {
        replacements: [this.consumer.name, events.map((e) => e.eventId)],
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    const done = new Set(rows.map((r) => r.event_id));
    return events.filter((e) => !done.has(e.eventId));
  }

  private async markProcessed(events: readonly ConsumedEvent[], transaction: Transaction) {
    const at = this.now();
    await this.sequelize.getQueryInterface().bulkInsert(
      "processed_events",
      events.map((e) => ({ consumer: this.consumer.name, event_id: e.eventId, processed_at: at })),
      { transaction },
    );
  }
}

/** Embedded mode's sink: a `dead_letters` row, committed with the event's `processed_events` row. */
export function tableDeadLetters(sequelize: Sequelize): DeadLetterSink {
  return async (letter, transaction) => {
    await sequelize.getQueryInterface().bulkInsert(
      "dead_letters",
      [
        {
          consumer: letter.consumer,
          event_id: letter.event.eventId,
          stream_key: letter.event.key,
          type: letter.event.type,
          payload: JSON.stringify(letter.event.payload),
          error: letter.error,
          attempts: letter.attempts,
          created_at: letter.failedAt,
        },
      ],
      { transaction },
    );
  };
}
