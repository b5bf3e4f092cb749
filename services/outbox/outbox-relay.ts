/**
 * Publishes committed outbox rows, in order per day key, at least once. This
 * one dispatches in-process through the broker's event bus; a Kafka relay can
 * take its place behind the same interface without touching the actors.
 */
import type { ServiceBroker } from "moleculer";
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";

/** An outbox row as written; the relay publishes these in order. */
export interface OutboxRecord {
  eventId: string;
  dayKey: string;
  type: string;
  payload: string;
  createdAt: number;
}

export interface OutboxRelay {
  /** Called by an actor right after its commit, with that commit's rows in order. */
  committed(records: OutboxRecord[]): void;
  /** Publishes rows a crashed node left behind; returns how many it found. */
  sweep(olderThanMs: number): Promise<number>;
  /** Resolves once everything handed over so far is published. */
  drain(): Promise<void>;
}

/** The event a consumer receives: the outbox row's id makes redeliveries recognisable. */
export interface BookingEvent {
  eventId: string;
  dayKey: string;
  /** The appointment, ticket or board the event is about. */
  payload: unknown;
}

/**
 * Booking events go to one instance of each interested service (`emit`).
 * Queue events are broadcast: every gateway node must push them to the
 * browsers connected to it (consumers dedupe what must happen once).
 */
export function publishEvent(broker: ServiceBroker, type: string, event: BookingEvent): Promise<void> {
  return type.startsWith("queue.") ? broker.broadcast(type, event) : broker.emit(`day.${type}`, event);
}

export class InProcessRelay implements OutboxRelay {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly broker: ServiceBroker,
    private readonly sequelize: Sequelize,
    private readonly now: () => number,
  ) {}

  committed(records: OutboxRecord[]): void {
    const byDay = new Map<string, OutboxRecord[]>();
    for (const r of records) byDay.set(r.dayKey, [...(byDay.get(r.dayKey) ?? []), r]);
    for (const [dayKey, rows] of byDay) {
      const previous = this.chains.get(dayKey) ?? Promise.resolve();
      const next = previous.then(() => this.publish(rows));
      this.chains.set(dayKey, next);
      void next.finally(() => {
        if (this.chains.get(dayKey) === next) this.chains.delete(dayKey);
      });
    }
  }

  async sweep(olderThanMs: number): Promise<number> {
    const rows = await this.sequelize.query<{
      event_id: string;
      day_key: string;
      type: string;
      payload: string;
      created_at: string;
    }>(
      "SELECT event_id, day_key, type, payload, created_at FROM outbox WHERE dispatched_at IS NULL AND created_at < ? ORDER BY id LIMIT 500",
      { replacements: [this.now() - olderThanMs], type: QueryTypes.SELECT },
    );
    this.committed(
      rows.map((r) => ({
        eventId: r.event_id,
        dayKey: r.day_key,
        type: r.type,
        payload: r.payload,
        createdAt: Number(r.created_at),
      })),
    );
    await this.drain();
    return rows.length;
  }

  async drain(): Promise<void> {
    while (this.chains.size > 0) await Promise.allSettled([...this.chains.values()]);
  }

  private async publish(rows: OutboxRecord[]): Promise<void> {
    try {
      for (const r of rows) {
        const event: BookingEvent = {
          eventId: r.eventId,
          dayKey: r.dayKey,
          payload: JSON.parse(r.payload),
        };
        await publishEvent(this.broker, r.type, event);
      }
      await this.sequelize.query(
        `UPDATE outbox SET dispatched_at = ? WHERE event_id IN (${rows.map(() => "?").join(",")})`,
        {
          replacements: [this.now(), ...rows.map((r) => r.eventId)],
          type: QueryTypes.UPDATE,
        },
      );
    } catch (err) {
      // Left undispatched: the sweep publishes it again later (at least once).
      this.broker.logger.warn("Outbox publish failed; the sweep will retry", err);
    }
  }
}
