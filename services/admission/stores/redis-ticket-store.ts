/**
 * Tickets in Redis: one string per ticket (JSON, with its own expiry) and a
 * sorted set per day of ticket ids by arrival, so a node that takes over a
 * day (or restarts) rebuilds the line in order. The day's set is trimmed of
 * ids whose ticket has expired whenever it is read.
 */
import type Redis from "ioredis";
import { closeClient, commandClient } from "../../../platform/redis";
import type { Ticket } from "../ticket";
import type { TicketStore } from "./ticket-store";

/** The day's set lives as long as its newest ticket could. */
const DAY_SLACK_MS = 60_000;

export class RedisTicketStore implements TicketStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = commandClient(url);
  }

  async day(dayKey: string): Promise<Ticket[]> {
    const ids = await this.redis.zrange(this.dayKey(dayKey), 0, -1);
    if (ids.length === 0) return [];
    const raw = await this.redis.mget(ids.map((id) => this.ticketKey(id)));
    const gone = ids.filter((_, i) => raw[i] === null);
    if (gone.length > 0) await this.redis.zrem(this.dayKey(dayKey), ...gone);
    return raw.flatMap((r) => (r === null ? [] : [JSON.parse(r) as Ticket]));
  }

  async get(ticketId: string): Promise<Ticket | null> {
    const raw = await this.redis.get(this.ticketKey(ticketId));
    return raw === null ? null : (JSON.parse(raw) as Ticket);
  }

  async save(tickets: Ticket[], ttlMs: number): Promise<void> {
    if (tickets.length === 0) return;
    const batch = this.redis.multi();
    for (const t of tickets) {
      batch.set(this.ticketKey(t.id), JSON.stringify(t), "PX", ttlMs);
      batch.zadd(this.dayKey(t.dayKey), t.seq, t.id);
      batch.pexpire(this.dayKey(t.dayKey), ttlMs + DAY_SLACK_MS);
    }
    await batch.exec();
  }

  async close(): Promise<void> {
    await closeClient(this.redis);
  }

  // One hash tag per day would split a ticket from its day; tickets are looked up alone, so no tag.
  private ticketKey = (id: string) => `${this.prefix}:admission:ticket:${id}`;
  private dayKey = (dayKey: string) => `${this.prefix}:admission:day:${dayKey}`;
}
