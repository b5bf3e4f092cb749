/**
 * Open-run admission (API.md "대기열"): the Moleculer face of
 * admission-rules.ts. Each hospital-day's line lives on the node that owns
 * the day (the same rendezvous hashing as the day actors, so the actor's load
 * is a local question), written through to a ticket store so a restarted or
 * new owner rebuilds it. Calls for one day are handled one at a time.
 */
import crypto from "node:crypto";
import type { Context, ServiceBroker, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import type { AuthMeta } from "../../platform/auth";
import { requireUser } from "../../platform/auth";
import { ClientError, notFound } from "../../platform/errors";
import { clockTimeParam, idParam } from "../../platform/params";
import type { DayPressure } from "../day/day-admin.actions";
import { dayKeyParam } from "../day/day.params";
import { dayKeyOf } from "../day/day-key";
import { RendezvousStrategy } from "../day/sharding/rendezvous.strategy";
import type { Limits, Line, Load, Refusal, Ticket } from "./admission-rules";
import { arrive, emptyLine, lineOf, look, passesOn, waitingIn } from "./admission-rules";
import { MemoryTicketStore } from "./stores/ticket-store";
import type { TicketStore } from "./stores/ticket-store";
import { RedisTicketStore } from "./stores/redis-ticket-store";
import { RecentPressure } from "./recent-pressure";

/** Half the request budget may go to waiting in the actor; the rest is the way there and back. */
const DEADLINE_SHARE = 0.5;
/** Lines kept in memory with nobody in them (they remember only recent passes); beyond this they go. */
const MAX_IDLE_LINES = 10_000;
/** The waiting gauge is counted at most this often. */
const GAUGE_MS = 1000;
/**
 * In low mode a booking may pass on the actor's load as read this recently (see `passesOn`):
 * at 4,000 bookings a second, one `day.pressure` call serves about 80 of them instead of each
 * making its own (~10 % of a booking's cost in an open run).
 */
const LOAD_REUSE_MS = 20;
const TICKET_PATTERN = /^(\d+)-(\d{4}-\d{2}-\d{2})-[A-Za-z0-9_-]{16}$/;

const sharded = {
  strategy: RendezvousStrategy,
  strategyOptions: { shardKey: "dayKey" },
  visibility: "public",
  idempotent: true,
} as const;

export interface EnterParams {
  dayKey: string;
  accountId: number;
  patientId: number;
  /** The slot asked for: one that takes no bookings needs no place in line. */
  doctorId: number;
  start: string;
  ticket?: string;
}

/** What the day's actor tells admission: its load, and whether the slot asked about is open. */
type Pressure = Load & { slotOpen?: boolean };
type SlotAsked = { doctorId: number; start: string };

export type EnterAnswer =
  { pass: true } | { pass: false; admission: { ticket: string; position: number; retryAfterMs: number } };

export interface AdmissionOptions {
  /** The day actor's load; by default asked of `day.pressure` (tests pass their own). */
  pressure?: (ctx: Context, dayKey: string, slot?: SlotAsked) => Promise<Pressure>;
  store?: TicketStore;
  /** How long a load read from the actor may let later bookings pass without asking again (LOAD_REUSE_MS). */
  loadReuseMs?: number;
}

/** The day a ticket belongs to, from its id (so `GET /admission/:ticket` reaches the day's owner). */
export function dayKeyOfTicket(ticket: string): string | null {
  const match = TICKET_PATTERN.exec(ticket);
  return match ? dayKeyOf(Number(match[1]), match[2]) : null;
}

export function admissionService(app: App, options: AdmissionOptions = {}): ServiceSchema {
  const { config, clock } = app;
  const limits: Limits = {
    deadlineMs: config.requestTimeoutMs * DEADLINE_SHARE,
    admittedWindowMs: config.admission.admittedWindowMs,
    waitingTtlMs: config.admission.waitingTtlMs,
    ticketsPerAccount: config.admission.ticketsPerAccount,
  };
  const store =
    options.store ??
    (config.redisUrl
      ? new RedisTicketStore(config.redisUrl, config.namespace)
      : new MemoryTicketStore(() => clock.now()));
  const pressure =
    options.pressure ??
    ((ctx: Context, dayKey: string, slot?: SlotAsked) =>
      ctx.call<DayPressure, { dayKey: string }>("day.pressure", { dayKey, ...slot }));
  const lines = new Map<string, Line>();
  const recent = new RecentPressure(options.loadReuseMs ?? LOAD_REUSE_MS);
  /** Asks the actor, and keeps what it said for the next bookings of the day. */
  async function freshPressure(ctx: Context, dayKey: string, slot?: SlotAsked): Promise<Pressure> {
    const answer = await pressure(ctx, dayKey, slot);
    recent.note(dayKey, clock.now(), answer, slot);
    return answer;
  }

  /**
   * What the actor said a moment ago, when that decides the booking: its slot is full (a quick
   * refusal), or the line is empty and the room holds it. Null: ask the actor afresh.
   */
  function recentPressure(line: Line, dayKey: string, slot: SlotAsked, now: number): Pressure | null {
    const load = recent.load(dayKey, now);
    if (!load) return null;
    if (recent.full(dayKey, slot, now)) return { ...load, slotOpen: false };
    return passesOn(line, load, limits, now) ? load : null;
  }
  const loading = new Map<string, Promise<Line>>();
  let gaugeAt = -Infinity;
  let broker: ServiceBroker | null = null;

  /**
   * The day's line, put in memory once (concurrent callers share the load). Every decision on it
   * is synchronous, so two calls for one day never interleave between read and write. A line
   * forgotten meanwhile (the days moved) is still decided on, then dropped; the store has the tickets.
   */
  async function loaded(dayKey: string): Promise<Line> {
    const known = lines.get(dayKey);
    if (known) return known;
    let load = loading.get(dayKey);
    if (!load) {
      load = store
        .day(dayKey)
        .then((stored) => {
          const line = lines.get(dayKey) ?? (stored.length > 0 ? lineOf(dayKey, stored) : emptyLine(dayKey));
          lines.set(dayKey, line);
          return line;
        })
        .finally(() => loading.delete(dayKey));
      loading.set(dayKey, load);
    }
    return load;
  }

  /** After a decision on `line` (updated in place): forgets idle lines when too many, writes what changed. */
  async function settle(line: Line, changed: Ticket[]): Promise<void> {
    if (lines.size > MAX_IDLE_LINES) {
      for (const [key, idle] of lines) if (idle.size === 0 && key !== line.dayKey) lines.delete(key);
    }
    countWaiting();
    await saveAll(changed);
  }

  /**
   * The waiting gauge, counted at most once a GAUGE_MS: counting walks every line, and in an
   * open run a line holds thousands of tickets and changes thousands of times a second.
   */
  function countWaiting(): void {
    const now = clock.now();
    if (!broker?.isMetricsEnabled() || now - gaugeAt < GAUGE_MS) return;
    gaugeAt = now;
    let waiting = 0;
    for (const line of lines.values()) waiting += waitingIn(line);
    broker.metrics.set("hre_admission_waiting", waiting);
  }

  async function saveAll(changed: Ticket[]): Promise<void> {
    const ttl = (t: Ticket) => (t.state === "admitted" ? limits.admittedWindowMs : limits.waitingTtlMs);
    // Grouped by lifetime: one round trip per group.
    for (const state of ["waiting", "admitted", "expired"] as const) {
      const group = changed.filter((t) => t.state === state);
      if (group.length > 0) await store.save(group, ttl(group[0]));
    }
  }

  const newTicketId = (dayKey: string) =>
    `${dayKey.replace(":", "-")}-${crypto.randomBytes(12).toString("base64url")}`;

  return {
    name: "admission",
    actions: {
      /**
       * A booking asks to reach the day's actor: passes straight through in
       * low mode (or with an admitted ticket); otherwise gets its place in line.
       */
      enter: {
        ...sharded,
        params: {
          dayKey: dayKeyParam,
          accountId: idParam,
          patientId: idParam,
          doctorId: idParam,
          start: clockTimeParam,
          ticket: { type: "string", max: 80, optional: true },
        },
        async handler(ctx: Context<EnterParams>): Promise<EnterAnswer> {
          const { dayKey, accountId, patientId, doctorId, start, ticket = null } = ctx.params;
          const line = await loaded(dayKey);
          const now = clock.now();
          const quick = ticket ? null : recentPressure(line, dayKey, { doctorId, start }, now);
          const [load, known]: [Pressure, Ticket | null] = quick
            ? [quick, null]
            : await Promise.all([
                freshPressure(ctx, dayKey, { doctorId, start }),
                ticket ? store.get(ticket) : null,
              ]);
          const arrival = {
            accountId,
            patientId,
            ticketId: ticket,
            now: quick ? now : clock.now(),
            newTicketId: () => newTicketId(dayKey),
            slot: { doctorId, start },
            slotFull: load.slotOpen === false,
          };
          const decided = arrive(line, arrival, known, load, limits);
          await settle(decided.line, decided.changed);
          const { verdict } = decided;
          if (verdict.kind === "pass") return { pass: true };
          if (verdict.kind === "refused") throw refusal(verdict.code, verdict.status);
          const { ticket: issued, position, retryAfterMs } = verdict;
          return { pass: false, admission: { ticket: issued.id, position, retryAfterMs } };
        },
      },

      /** A ticket as it stands on the day's owner; someone else's ticket is not found. */
      look: {
        ...sharded,
        params: { dayKey: dayKeyParam, ticket: { type: "string", max: 80 }, accountId: idParam },
        async handler(ctx: Context<{ dayKey: string; ticket: string; accountId: number }>) {
          const { dayKey, ticket, accountId } = ctx.params;
          const [known, line] = await Promise.all([store.get(ticket), loaded(dayKey)]);
          // Whether the ticket's slot still takes bookings: a ticket for a full one waits no longer.
          const load = await freshPressure(ctx, dayKey, (line.get(ticket) ?? known)?.slot);
          const seen = look(line, ticket, known, load, limits, clock.now(), load.slotOpen === false);
          await settle(seen.line, seen.changed);
          if (!seen.ticket || seen.ticket.accountId !== accountId) throw notFound("Admission ticket", ticket);
          return { status: seen.ticket.state, position: seen.position, retryAfterMs: seen.retryAfterMs };
        },
      },

      /** `GET /admission/:ticket`: the caller's own ticket (an ordinary action: the gateway ignores shard keys). */
      status: {
        idempotent: true,
        params: { $$strict: true, ticket: { type: "string", min: 1, max: 80 } },
        handler(ctx: Context<{ ticket: string }, AuthMeta>) {
          const user = requireUser(ctx);
          const dayKey = dayKeyOfTicket(ctx.params.ticket);
          if (!dayKey) throw notFound("Admission ticket", ctx.params.ticket);
          return ctx.call("admission.look", { dayKey, ticket: ctx.params.ticket, accountId: user.id });
        },
      },
    },

    events: {
      /** Days may have moved between nodes: forget the lines, the store has them for whoever owns them now. */
      "$services.changed"() {
        lines.clear();
        recent.clear();
      },
    },

    created(this: { broker: ServiceBroker }) {
      broker = this.broker;
      if (broker.isMetricsEnabled())
        broker.metrics.register({
          name: "hre_admission_waiting",
          type: "gauge",
          description: "Admission tickets waiting in this node's open-run lines",
        });
    },

    async stopped() {
      await store.close();
    },
  };
}

function refusal(code: Refusal, status: 403 | 409 | 429): ClientError {
  const messages: Record<Refusal, string> = {
    ADMISSION_NOT_YOURS: "This admission ticket belongs to someone else.",
    ADMISSION_EXPIRED:
      "This admission ticket has expired; book again without it to take a new place in line.",
    ADMISSION_LIMIT:
      "This account already holds as many places in line for this day as it may; use one of them first.",
  };
  return new ClientError(status, code, messages[code]);
}
