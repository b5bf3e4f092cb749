/**
 * Open-run admission (API.md "대기열"), as decisions: a hospital-day's line
 * of tickets, the load of its day actor, and the time are passed in; the line
 * is brought up to date in place (see line.ts) and the answer and the tickets
 * that changed come out. No Moleculer, no Redis, no clock here.
 *
 * Low mode: the line is empty and the actor can answer one more request
 * within the deadline: the booking passes. High mode: anything else; the
 * booking gets a ticket (one per patient per day, and at most a few per
 * account: a guardian books for their children, not for a crowd), and
 * tickets are admitted in arrival order as the actor's measured pace makes room.
 * A booking for a slot that takes no bookings passes: its answer is a refusal.
 * So does a ticket whose slot filled while it waited: it is admitted at once,
 * taking no room (its booking is a quick refusal, not a commit), so a sold-out
 * line empties within one round of asking instead of at the pace of commits.
 *
 * The pace is a cost per turn (`fixedMs + perCommandMs × batch`, batches of
 * at most `maxBatch`), not a rate: a deep mailbox drains in few large turns.
 * Only bookings that can still get a seat commit: of the commands ahead, at
 * most `seatsLeft` do, and the rest are refusals at `refusalMs` each (µs, no
 * round trip). So once the crowd ahead covers every seat left, newcomers pass
 * to their quick refusal instead of taking tickets whose wait is reckoned in
 * commits that will never happen.
 */

import { Line } from "./line";
import type { Slot, Ticket } from "./ticket";

export { Line };
export type { Slot, Ticket, TicketState } from "./ticket";

export interface Load {
  /** Commands waiting in the day actor's mailbox. */
  depth: number;
  /** What one turn of the actor that commits costs: a fixed part (the commit) and a part per command. */
  fixedMs: number;
  perCommandMs: number;
  maxBatch: number;
  /** What a command costs in a turn that commits nothing (a refusal). Absent: as in one that commits. */
  refusalMs?: number;
  /** Seats the day can still sell: at most this many commands ahead commit. Absent: unknown, any may. */
  seatsLeft?: number;
  /** The mailbox's bound, beyond which commands are turned away. Absent: none. */
  maxDepth?: number;
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
  /** The slot asked for, kept on a ticket issued for it. */
  slot?: Slot;
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
/**
 * Lapsed tickets are looked for at most this often: looking walks the whole line, and an open
 * run's line holds thousands of tickets asked about thousands of times a second. A ticket may
 * outlive its time by up to this much.
 */
const SWEEP_MS = 1000;
const MAX_RETRY_MS = 10_000;

export const emptyLine = (dayKey: string): Line => new Line(dayKey);

/** A line rebuilt from stored tickets (a new owner, or this node after a restart). */
export function lineOf(dayKey: string, stored: Ticket[]): Line {
  const line = new Line(dayKey);
  for (const t of [...stored].sort((a, b) => a.seq - b.seq)) if (t.state !== "expired") line.add(t);
  line.nextSeq = stored.reduce((max, t) => Math.max(max, t.seq), 0) + 1;
  return line;
}

/** A refusal's cost, never quite 0 (a clock that read no time would make the room endless). */
const MIN_REFUSAL_MS = 0.001;
const refusalMsOf = (load: Load) => Math.max(MIN_REFUSAL_MS, load.refusalMs ?? load.perCommandMs);

/** How long `n` commands that all commit take (in full batches, the last one partial). */
function commitMs(load: Load, n: number): number {
  return n <= 0 ? 0 : Math.ceil(n / load.maxBatch) * load.fixedMs + n * load.perCommandMs;
}

/** How long the actor takes to answer `n` commands: the first `seatsLeft` commit, the rest are refused. */
export function drainMs(load: Load, n: number): number {
  if (n <= 0) return 0;
  const commits = Math.min(n, load.seatsLeft ?? n);
  return commitMs(load, commits) + (n - commits) * refusalMsOf(load);
}

/** The most commands the actor answers within `ms`. */
export function capacityWithin(load: Load, ms: number): number {
  const fullTurn = load.fixedMs + load.maxBatch * load.perCommandMs;
  const fullTurns = Math.floor(ms / fullTurn);
  const left = ms - fullTurns * fullTurn - load.fixedMs;
  const partial = left > 0 ? Math.min(load.maxBatch - 1, Math.floor(left / load.perCommandMs)) : 0;
  const commits = fullTurns * load.maxBatch + partial;
  if (load.seatsLeft === undefined || commits < load.seatsLeft) return commits;
  // Every seat left sells within `ms`: what time remains answers refusals.
  return load.seatsLeft + Math.floor((ms - commitMs(load, load.seatsLeft)) / refusalMsOf(load));
}

/**
 * How many more requests the actor can take. By its pace: and still answer them all within the
 * deadline, less what waits in its mailbox, the admitted tickets and the bookings let through
 * lately (which its depth may not show yet). By its mailbox's bound: less only what waits and
 * the admitted tickets not used yet, since a pass answered long ago leaves no trace there.
 * `joining`: requests being let in now, counted in `recentPasses` already.
 */
export function room(
  line: Line,
  load: Load,
  limits: Limits,
  now: number,
  recentPasses = line.recentPasses,
  joining = 0,
): number {
  let admitted = 0;
  let unused = 0;
  for (const t of line.admitted()) {
    if (t.slotFull) continue;
    if (t.usedAt === null) unused++;
    if (t.usedAt === null || now - t.usedAt < limits.deadlineMs) admitted++;
  }
  const passes = passesWithin(recentPasses, now, limits.deadlineMs);
  const byPace = capacityWithin(load, limits.deadlineMs) - load.depth - admitted - passes;
  const byBound = (load.maxDepth ?? Infinity) - load.depth - unused - joining;
  return Math.min(byPace, byBound);
}

/**
 * The pass window with one more booking let through now, and whether the room holds it as
 * counted with it (rolling the window over can raise the count by more than one).
 */
function withOnePass(line: Line, load: Load, limits: Limits, now: number) {
  const passes = countPass(line.recentPasses, now, limits.deadlineMs);
  return { passes, fits: room(line, load, limits, now, passes, 1) >= 0 };
}

/**
 * Drops what lapsed: admitted tickets not used within the window, waiting
 * tickets nobody asked about. Looks at most every SWEEP_MS. Returns the
 * tickets that expired.
 */
export function expire(line: Line, now: number, limits: Limits): Ticket[] {
  if (now - line.sweptAt < SWEEP_MS) return [];
  line.sweptAt = now;
  const expired: Ticket[] = [];
  for (const t of line.tickets()) {
    const lapsed =
      t.state === "admitted"
        ? (t.admittedAt ?? 0) + limits.admittedWindowMs <= now
        : t.seenAt + limits.waitingTtlMs <= now;
    if (lapsed) expired.push({ ...t, state: "expired" });
  }
  for (const t of expired) line.remove(t.id);
  return expired;
}

/** Admits waiting tickets in arrival order while the actor has room. Returns the tickets admitted. */
export function release(line: Line, load: Load, limits: Limits, now: number): Ticket[] {
  let free = line.waiting > 0 ? room(line, load, limits, now) : 0;
  const admitted: Ticket[] = [];
  for (const t of line.tickets()) {
    if (free <= 0) break;
    if (t.state !== "waiting") continue;
    free--;
    admitted.push({ ...t, state: "admitted", admittedAt: now });
  }
  for (const t of admitted) line.put(t);
  return admitted;
}

/** When to ask again: about when the actor has answered everyone ahead (its mailbox, then the line). */
export function retryAfterOf(position: number, load: Load): number {
  if (position === 0) return 0;
  const ms = Math.ceil(drainMs(load, load.depth + position));
  return Math.min(MAX_RETRY_MS, Math.max(MIN_RETRY_MS, ms));
}

/**
 * Whether a booking without a ticket passes on `load` with nothing else known: the line is empty
 * and the room holds it. A load read a moment ago answers this safely (the service reuses it):
 * what entered the mailbox since was let through here, so it is counted twice, not missed. When
 * this is false, the caller asks the actor afresh (the slot's state matters then) and calls `arrive`.
 */
export function passesOn(line: Line, load: Load, limits: Limits, now: number): boolean {
  return line.size === 0 && withOnePass(line, load, limits, now).fits;
}

/** What every arrival and look does first: lapsed tickets leave, waiting ones are admitted into the room. */
function refresh(line: Line, load: Load, limits: Limits, now: number): Ticket[] {
  return [...expire(line, now, limits), ...release(line, load, limits, now)];
}

/** Replaces `ticket` in the line and notes it as changed. */
function update(line: Line, changed: Ticket[], ticket: Ticket): Ticket {
  line.put(ticket);
  changed.push(ticket);
  return ticket;
}

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
  const changed = refresh(line, load, limits, now);
  const answer = (verdict: Verdict) => ({ line, verdict, changed });
  const waiting = (ticket: Ticket): Verdict => {
    const position = line.placeOf(ticket);
    return { kind: "wait", ticket, position, retryAfterMs: retryAfterOf(position, load) };
  };
  const use = (t: Ticket): Verdict => ({
    kind: "pass",
    used: update(line, changed, { ...t, usedAt: t.usedAt ?? now, seenAt: now }),
  });
  // A waiting ticket whose slot filled: admitted and used at once, taking no room; the booking passes to its refusal.
  const passFull = (t: Ticket): Verdict => ({
    kind: "pass",
    used: update(line, changed, {
      ...t,
      state: "admitted",
      slotFull: true,
      admittedAt: now,
      usedAt: now,
      seenAt: now,
    }),
  });

  if (arrival.ticketId !== null) {
    const live = line.get(arrival.ticketId) ?? null;
    const ticket = live ?? known;
    if (ticket && ticket.accountId !== arrival.accountId)
      return answer({ kind: "refused", code: "ADMISSION_NOT_YOURS", status: 403 });
    if (live?.state === "admitted") return answer(use(live));
    if (live?.state === "waiting") {
      if (arrival.slotFull) return answer(passFull(live));
      return answer(waiting(update(line, changed, { ...live, seenAt: now })));
    }
    // Expired or unknown: harmless when nobody waits and there is room, or when the slot is full
    // (the answer is a refusal); otherwise join the line again.
    if (!arrival.slotFull && (line.size > 0 || room(line, load, limits, now) <= 0))
      return answer({ kind: "refused", code: "ADMISSION_EXPIRED", status: 409 });
  }

  // One ticket per patient per day: asking again keeps the place, it does not take a second one.
  const held = line.heldBy(arrival.patientId);
  if (held && held.accountId === arrival.accountId) {
    if (held.state === "admitted") return answer(use(held));
    if (arrival.slotFull) return answer(passFull(held));
    return answer(waiting(update(line, changed, { ...held, seenAt: now })));
  }

  // Nobody is overtaken by a request that gets no seat, and the actor refuses it without a commit.
  if (arrival.slotFull) return answer({ kind: "pass", used: null });

  const pass = withOnePass(line, load, limits, now);
  if (line.waiting === 0 && pass.fits) {
    line.recentPasses = pass.passes;
    return answer({ kind: "pass", used: null });
  }

  if (line.ticketsOf(arrival.accountId) >= limits.ticketsPerAccount)
    return answer({ kind: "refused", code: "ADMISSION_LIMIT", status: 429 });

  const ticket: Ticket = {
    id: arrival.newTicketId(),
    dayKey: line.dayKey,
    accountId: arrival.accountId,
    patientId: arrival.patientId,
    seq: line.nextSeq,
    state: "waiting",
    issuedAt: now,
    seenAt: now,
    admittedAt: null,
    usedAt: null,
    ...(arrival.slot ? { slot: arrival.slot } : {}),
  };
  line.add(ticket);
  changed.push(ticket);
  return answer(waiting(ticket));
}

/**
 * What `GET /admission/:ticket` answers; asking keeps a waiting ticket in the line. `slotFull`:
 * the ticket's slot takes no bookings now (the actor says so), so it is admitted at once.
 */
export function look(
  line: Line,
  ticketId: string,
  known: Ticket | null,
  load: Load,
  limits: Limits,
  now: number,
  slotFull = false,
): { line: Line; ticket: Ticket | null; position: number; retryAfterMs: number; changed: Ticket[] } {
  const changed = refresh(line, load, limits, now);
  const live = line.get(ticketId);
  if (!live) {
    const gone = changed.find((t) => t.id === ticketId && t.state === "expired") ?? known;
    return {
      line,
      ticket: gone ? { ...gone, state: "expired" } : null,
      position: 0,
      retryAfterMs: 0,
      changed,
    };
  }
  const seen = update(
    line,
    changed,
    live.state === "waiting" && slotFull
      ? { ...live, state: "admitted", slotFull: true, admittedAt: now, seenAt: now }
      : { ...live, seenAt: now },
  );
  const position = line.placeOf(seen);
  return { line, ticket: seen, position, retryAfterMs: retryAfterOf(position, load), changed };
}

/** Tickets waiting in a line (the `hre_admission_waiting` gauge). */
export const waitingIn = (line: Line): number => line.waiting;
