/**
 * One hospital-day's line of admission tickets, indexed for an open run: tens
 * of thousands of tickets, each asked about every few seconds. Every question
 * the rules ask is answered without walking the line: a ticket by id or by
 * patient, an account's count, the admitted ones (few), the waiting ones'
 * places (a Fenwick tree over arrival numbers) and the first waiting ones in
 * arrival order. Walking it (a copy of the line per question, as immutable
 * arrays did) made 20,000 parents cost the server ~2 ms of CPU each.
 *
 * Mutable: the day's admission service holds the only copy. Tickets in it are
 * immutable values, replaced whole.
 */
import type { Ticket } from "./ticket";

export class Line {
  /** Arrival number of the next ticket. */
  nextSeq = 1;
  /** Bookings let straight through lately, not yet visible in the actor's mailbox depth. */
  recentPasses = { windowStart: 0, count: 0, previous: 0 };
  /** When lapsed tickets were last looked for. */
  sweptAt = -Infinity;

  /** Live tickets by id; a Map keeps insertion order, and tickets are inserted in arrival order. */
  private readonly live = new Map<string, Ticket>();
  private readonly ofPatient = new Map<number, string>();
  private readonly ofAccount = new Map<number, number>();
  private readonly admittedIds = new Set<string>();
  private readonly places = new Places();
  private waitingCount = 0;

  constructor(readonly dayKey: string) {}

  get size(): number {
    return this.live.size;
  }

  get waiting(): number {
    return this.waitingCount;
  }

  get(id: string): Ticket | undefined {
    return this.live.get(id);
  }

  heldBy(patientId: number): Ticket | undefined {
    const id = this.ofPatient.get(patientId);
    return id === undefined ? undefined : this.live.get(id);
  }

  ticketsOf(accountId: number): number {
    return this.ofAccount.get(accountId) ?? 0;
  }

  /** Every live ticket, in arrival order. */
  tickets(): IterableIterator<Ticket> {
    return this.live.values();
  }

  /** The admitted tickets (at most the actor's room, plus those whose slot filled). */
  *admitted(): Generator<Ticket> {
    for (const id of this.admittedIds) yield this.live.get(id) as Ticket;
  }

  /** Waiting tickets ahead of `ticket`, plus one; 0 for a ticket not waiting. */
  placeOf(ticket: Ticket): number {
    return ticket.state === "waiting" ? this.places.before(ticket.seq) + 1 : 0;
  }

  /** A new ticket, arriving after every ticket in the line. */
  add(ticket: Ticket): void {
    this.live.set(ticket.id, ticket);
    this.ofPatient.set(ticket.patientId, ticket.id);
    this.ofAccount.set(ticket.accountId, this.ticketsOf(ticket.accountId) + 1);
    this.nextSeq = Math.max(this.nextSeq, ticket.seq + 1);
    this.track(ticket, +1);
  }

  /** Replaces a live ticket (same id) by its new state. */
  put(ticket: Ticket): void {
    const old = this.live.get(ticket.id);
    if (!old) throw new Error(`Ticket ${ticket.id} is not in line ${this.dayKey}`);
    this.track(old, -1);
    this.live.set(ticket.id, ticket);
    this.track(ticket, +1);
  }

  remove(id: string): void {
    const old = this.live.get(id);
    if (!old) return;
    this.track(old, -1);
    this.live.delete(id);
    if (this.ofPatient.get(old.patientId) === id) this.ofPatient.delete(old.patientId);
    const left = this.ticketsOf(old.accountId) - 1;
    if (left > 0) this.ofAccount.set(old.accountId, left);
    else this.ofAccount.delete(old.accountId);
  }

  /** Counts a ticket into (+1) or out of (−1) the waiting and admitted indexes. */
  private track(ticket: Ticket, sign: 1 | -1): void {
    if (ticket.state === "waiting") {
      this.waitingCount += sign;
      this.places.add(ticket.seq, sign);
    } else if (ticket.state === "admitted") {
      if (sign > 0) this.admittedIds.add(ticket.id);
      else this.admittedIds.delete(ticket.id);
    }
  }
}

/**
 * Counts of waiting tickets by arrival number, with prefix sums in O(log n): a
 * Fenwick tree that doubles when a number beyond it arrives (the new top node
 * holds the whole old sum; the other new nodes cover only new, empty numbers).
 */
class Places {
  private tree: number[] = [0, 0];

  add(seq: number, delta: number): void {
    while (seq >= this.tree.length) this.grow();
    for (let i = seq; i < this.tree.length; i += i & -i) this.tree[i] += delta;
  }

  /** How many counted numbers lie below `seq`. */
  before(seq: number): number {
    let sum = 0;
    for (let i = Math.min(seq - 1, this.tree.length - 1); i > 0; i -= i & -i) sum += this.tree[i];
    return sum;
  }

  private grow(): void {
    const size = this.tree.length - 1;
    const total = this.before(size + 1);
    const tree = this.tree.concat(new Array<number>(size).fill(0));
    tree[2 * size] = total;
    this.tree = tree;
  }
}
