/**
 * Open-run admission (API.md "대기열"), as pure decisions: a hospital-day's
 * line of tickets, the load of its day actor, and the time are passed in; the
 * new line and the answer come out. No Moleculer, no Redis, no clock here.
 *
 * Low mode: the line is empty and the actor can answer one more request
 * within the deadline: the booking passes. High mode: anything else; the
 * booking gets a ticket (one per patient per day, and at most a few per
 * account: a guardian books for their children, not for a crowd), and
 * tickets are admitted in arrival order as the actor's measured pace makes room.
 * A booking for a slot that takes no bookings passes: its answer is a refusal.
 *
 * The pace is a cost per turn (`fixedMs + perCommandMs × batch`, batches of
 * at most `maxBatch`), not a rate: a deep mailbox drains in few large turns.
 */

export type TicketState = "waiting" | "admitted" | "expired";

export interface Ticket {
  id: string;
  dayKey: string;
  accountId: number;
  patientId: number;
  /** Arrival order within the day. */
  seq: number;
  state: TicketState;
  issuedAt: number;
  /** Last time its holder asked (a waiting ticket nobody asks about leaves the line). */
  seenAt: number;
  admittedAt: number | null;
  /** First booking made with it (an admitted ticket stops holding the actor's room then). */
  usedAt: number | null;
}

export interface Line {
  dayKey: string;
  /** Live tickets, waiting and admitted, by arrival. */
  tickets: Ticket[];
  nextSeq: number;
  /** Bookings let straight through lately, not yet visible in the actor's mailbox depth. */
  recentPasses: { windowStart: number; count: number; previous: number };
}

export interface Load {
  /** Commands waiting in the day actor's mailbox. */
  depth: number;
  /** What one turn of the actor costs: a fixed part (the commit) and a part per command. */
  fixedMs: number;
  perCommandMs: number;
  maxBatch: number;
}

export interface Limits {
  /** What a booking may spend waiting in the actor (a share of the request deadline). */
  deadlineMs: number;
  admittedWindowMs: number;
  waitingTtlMs: number;
  /** Live tickets one account may hold for a day (one per patient it books for). */
  ticketsPerAccount: number;
}

export interface Arrival {
  accountId: number;
  patientId: number;
  /** The `Admission-Ticket` header, if sent. */
  ticketId: string | null;
  now: number;
  /** Makes a fresh ticket id, called only if a ticket is issued (random bytes cost, and most arrivals pass). */
  newTicketId: () => string;
  /** The slot asked for takes no bookings (full, started, closed): the actor's quick refusal is the answer. */
  slotFull?: boolean;
}

export type Verdict =
  | { kind: "pass"; used: Ticket | null }
  | { kind: "wait"; ticket: Ticket; position: number; retryAfterMs: number }
  | { kind: "refused"; code: Refusal; status: 403 | 409 | 429 };

export type Refusal = "ADMISSION_NOT_YOURS" | "ADMISSION_EXPIRED" | "ADMISSION_LIMIT";

/**
 * Bookings let through (and admitted tickets used) within the last deadline count against the room,
 * mailbox or not: between the pass and the mailbox lie other calls (payment settings, a coupon) that
 * take long under load, and a pass is not answered before its turn. Counted over a sliding window
 * (this window, plus the last one's share still inside it), so the count does not drop to 0 at once.
 */
function passesWithin(passes: Line["recentPasses"], now: number, windowMs: number): number {
  const age = now - passes.windowStart;
  if (age >= 2 * windowMs) return 0;
  if (age >= windowMs) return Math.ceil(passes.count * (1 - (age - windowMs) / windowMs));
  return passes.count + Math.ceil(passes.previous * (1 - age / windowMs));
}

function countPass(passes: Line["recentPasses"], now: number, windowMs: number): Line["recentPasses"] {
  const age = now - passes.windowStart;
  if (age < windowMs) return { ...passes, count: passes.count + 1 };
  const previous = age < 2 * windowMs ? passes.count : 0;
  return { windowStart: now, count: 1, previous };
}
const MIN_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

export const emptyLine = (dayKey: string): Line => ({
  dayKey,
  tickets: [],
  nextSeq: 1,
  recentPasses: { windowStart: 0, count: 0, previous: 0 },
});

/** A line rebuilt from stored tickets (a new owner, or this node after a restart). */
export function lineOf(dayKey: string, stored: Ticket[]): Line {
  const tickets = stored.filter((t) => t.state !== "expired").sort((a, b) => a.seq - b.seq);
  const nextSeq = stored.reduce((max, t) => Math.max(max, t.seq), 0) + 1;
  return { ...emptyLine(dayKey), tickets, nextSeq };
}

/** How long the actor takes to answer `n` commands (in full batches, the last one partial). */
export function drainMs(load: Load, n: number): number {
  if (n <= 0) return 0;
  return Math.ceil(n / load.maxBatch) * load.fixedMs + n * load.perCommandMs;
}

/** The most commands the actor answers within `ms`. */
export function capacityWithin(load: Load, ms: number): number {
  const fullTurn = load.fixedMs + load.maxBatch * load.perCommandMs;
  const fullTurns = Math.floor(ms / fullTurn);
  const left = ms - fullTurns * fullTurn - load.fixedMs;
  const partial = left > 0 ? Math.min(load.maxBatch - 1, Math.floor(left / load.perCommandMs)) : 0;
  return fullTurns * load.maxBatch + partial;
}

/** How many more requests the actor can take and still answer them all within the deadline. */
export function room(line: Line, load: Load, limits: Limits, now: number): number {
  const capacity = capacityWithin(load, limits.deadlineMs);
  let admitted = 0;
  for (const t of line.tickets) {
    if (t.state === "admitted" && (t.usedAt === null || now - t.usedAt < limits.deadlineMs)) admitted++;
  }
  const passes = passesWithin(line.recentPasses, now, limits.deadlineMs);
  return capacity - load.depth - admitted - passes;
}

/**
 * Drops what lapsed: admitted tickets not used within the window, waiting
 * tickets nobody asked about. Returns the line and the tickets that expired.
 */
export function expire(line: Line, now: number, limits: Limits): { line: Line; expired: Ticket[] } {
  const expired: Ticket[] = [];
  const tickets = line.tickets.filter((t) => {
    const lapsed =
      t.state === "admitted"
        ? (t.admittedAt ?? 0) + limits.admittedWindowMs <= now
        : t.seenAt + limits.waitingTtlMs <= now;
    if (lapsed) expired.push({ ...t, state: "expired" });
    return !lapsed;
  });
  return { line: expired.length ? { ...line, tickets } : line, expired };
}

/** Admits waiting tickets in arrival order while the actor has room. Returns the tickets admitted. */
export function release(
  line: Line,
  load: Load,
  limits: Limits,
  now: number,
): { line: Line; admitted: Ticket[] } {
  let free = room(line, load, limits, now);
  if (free <= 0) return { line, admitted: [] };
  const admitted: Ticket[] = [];
  const tickets = line.tickets.map((t) => {
    if (t.state !== "waiting" || free <= 0) return t;
    free--;
    const next: Ticket = { ...t, state: "admitted", admittedAt: now };
    admitted.push(next);
    return next;
  });
  return { line: admitted.length ? { ...line, tickets } : line, admitted };
}

/** A ticket's place: waiting tickets ahead of it, plus one. */
export function positionOf(line: Line, ticket: Ticket): number {
  if (ticket.state !== "waiting") return 0;
  return line.tickets.filter((t) => t.state === "waiting" && t.seq < ticket.seq).length + 1;
}

/** When to ask again: about when the actor has answered everyone ahead (its mailbox, then the line). */
export function retryAfterOf(position: number, load: Load): number {
  if (position === 0) return 0;
  const ms = Math.ceil(drainMs(load, load.depth + position));
  return Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, ms));
}

const replace = (line: Line, ticket: Ticket): Line => ({
  ...line,
  tickets: line.tickets.map((t) => (t.id === ticket.id ? ticket : t)),
});

/**
 * A booking arrives. `known` is the ticket its header names, looked up by the
 * caller (it may be expired, or another day's, or absent): the line alone
 * cannot tell an expired ticket from a made-up one.
 */
export function arrive(
  line: Line,
  arrival: Arrival,
  known: Ticket | null,
  load: Load,
  limits: Limits,
): { line: Line; verdict: Verdict; changed: Ticket[] } {
  const { now } = arrival;
  const lapsed = expire(line, now, limits);
  const released = release(lapsed.line, load, limits, now);
  let current = released.line;
  const changed = [...lapsed.expired, ...released.admitted];
  const waiting = (ticket: Ticket): Verdict => {
    const position = positionOf(current, ticket);
    return { kind: "wait", ticket, position, retryAfterMs: retryAfterOf(position, load) };
  };

  if (arrival.ticketId !== null) {
    const live = current.tickets.find((t) => t.id === arrival.ticketId) ?? null;
    const ticket = live ?? known;
    if (ticket && ticket.accountId !== arrival.accountId)
      return {
        line: current,
        changed,
        verdict: { kind: "refused", code: "ADMISSION_NOT_YOURS", status: 403 },
      };
    if (live?.state === "admitted") {
      const used = { ...live, usedAt: live.usedAt ?? now, seenAt: now };
      current = replace(current, used);
      return { line: current, changed: [...changed, used], verdict: { kind: "pass", used } };
    }
    if (live?.state === "waiting") {
      const seen = { ...live, seenAt: now };
      current = replace(current, seen);
      return { line: current, changed: [...changed, seen], verdict: waiting(seen) };
    }
    // Expired or unknown: harmless when nobody waits and there is room; otherwise join the line again.
    if (current.tickets.length > 0 || room(current, load, limits, now) <= 0)
      return { line: current, changed, verdict: { kind: "refused", code: "ADMISSION_EXPIRED", status: 409 } };
  }

  // One ticket per patient per day: asking again keeps the place, it does not take a second one.
  const held = current.tickets.find((t) => t.patientId === arrival.patientId);
  if (held && held.accountId === arrival.accountId) {
    if (held.state === "admitted") {
      const used = { ...held, usedAt: held.usedAt ?? now, seenAt: now };
      current = replace(current, used);
      return { line: current, changed: [...changed, used], verdict: { kind: "pass", used } };
    }
    const seen = { ...held, seenAt: now };
    current = replace(current, seen);
    return { line: current, changed: [...changed, seen], verdict: waiting(seen) };
  }

  // Nobody is overtaken by a request that gets no seat, and the actor refuses it without a commit.
  if (arrival.slotFull) return { line: current, changed, verdict: { kind: "pass", used: null } };

  const someoneWaits = current.tickets.some((t) => t.state === "waiting");
  // The pass must fit in the room as counted with it: rolling the pass window over can raise the count by more than one.
  const passed = { ...current, recentPasses: countPass(current.recentPasses, now, limits.deadlineMs) };
  if (!someoneWaits && room(passed, load, limits, now) >= 0)
    return { line: passed, changed, verdict: { kind: "pass", used: null } };

  const ofAccount = current.tickets.filter((t) => t.accountId === arrival.accountId).length;
  if (ofAccount >= limits.ticketsPerAccount)
    return { line: current, changed, verdict: { kind: "refused", code: "ADMISSION_LIMIT", status: 429 } };

  const ticket: Ticket = {
    id: arrival.newTicketId(),
    dayKey: current.dayKey,
    accountId: arrival.accountId,
    patientId: arrival.patientId,
    seq: current.nextSeq,
    state: "waiting",
    issuedAt: now,
    seenAt: now,
    admittedAt: null,
    usedAt: null,
  };
  current = { ...current, tickets: [...current.tickets, ticket], nextSeq: current.nextSeq + 1 };
  return { line: current, changed: [...changed, ticket], verdict: waiting(ticket) };
}

/** What `GET /admission/:ticket` answers; asking keeps a waiting ticket in the line. */
export function look(
  line: Line,
  ticketId: string,
  known: Ticket | null,
  load: Load,
  limits: Limits,
  now: number,
): { line: Line; ticket: Ticket | null; position: number; retryAfterMs: number; changed: Ticket[] } {
  const lapsed = expire(line, now, limits);
  const released = release(lapsed.line, load, limits, now);
  let current = released.line;
  const changed = [...lapsed.expired, ...released.admitted];
  const live = current.tickets.find((t) => t.id === ticketId);
  if (!live) {
    const gone = lapsed.expired.find((t) => t.id === ticketId) ?? known;
    return {
      line: current,
      ticket: gone ? { ...gone, state: "expired" } : null,
      position: 0,
      retryAfterMs: 0,
      changed,
    };
  }
  const seen = { ...live, seenAt: now };
  current = replace(current, seen);
  const position = positionOf(current, seen);
  return {
    line: current,
    ticket: seen,
    position,
    retryAfterMs: retryAfterOf(position, load),
    changed: [...changed, seen],
  };
}

/** Tickets waiting in a line (the `hre_admission_waiting` gauge). */
export const waitingIn = (line: Line): number => line.tickets.filter((t) => t.state === "waiting").length;
