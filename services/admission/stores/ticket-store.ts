/**
 * Where admission tickets outlive the line in memory: Redis when configured
 * (a restarted gateway or a new owner node finds them), this process's
 * memory otherwise. Every stored ticket expires on its own.
 */
import type { Ticket } from "../ticket";

export interface TicketStore {
  /** The day's tickets that have not expired from the store. */
  day(dayKey: string): Promise<Ticket[]>;
  get(ticketId: string): Promise<Ticket | null>;
  /** Writes tickets, each kept `ttlMs` from now. */
  save(tickets: Ticket[], ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

export class MemoryTicketStore implements TicketStore {
  private readonly tickets = new Map<string, { ticket: Ticket; until: number }>();

  constructor(private readonly now: () => number) {}

  day(dayKey: string): Promise<Ticket[]> {
    this.prune();
    return Promise.resolve(
      [...this.tickets.values()].map((e) => e.ticket).filter((t) => t.dayKey === dayKey),
    );
  }

  get(ticketId: string): Promise<Ticket | null> {
    const entry = this.tickets.get(ticketId);
    return Promise.resolve(entry && entry.until > this.now() ? entry.ticket : null);
  }

  save(tickets: Ticket[], ttlMs: number): Promise<void> {
    const until = this.now() + ttlMs;
    for (const ticket of tickets) this.tickets.set(ticket.id, { ticket, until });
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private prune(): void {
    const now = this.now();
    for (const [id, entry] of this.tickets) if (entry.until <= now) this.tickets.delete(id);
  }
}
