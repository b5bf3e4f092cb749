import type { Context, ServiceSchema } from "moleculer";
import { QueryTypes } from "sequelize";
import type { App } from "../../platform/app";
import { ClientError } from "../../platform/errors";
import { uuidv7 } from "../../platform/ids";
import { clockTimeParam, idParam, optionalIdParam } from "../../platform/params";
import { InProcessRelay } from "../outbox/outbox-relay";
import { ActorRegistry } from "./actor/actor-registry";
import type { DayCommand, Outcome } from "./decisions/day-commands";
import type { Caller } from "./decisions/decision";
import { DecisionError } from "./decisions/decision";
import { bookingWindow, isSlotOpen } from "../hospitals/day-schedule";
import { boardOf } from "./reception/board";
import type { QueueCommand } from "./reception/queue-commands";
import { contextOf } from "./reception/queue-commands";
import { places } from "./reception/queue-timeline";
import type { DayState } from "./decisions/day-state";
import { dayAvailability } from "./decisions/day-state";
import { dayKeyOf, parseDayKey } from "./day-key";
import { DayStore } from "./store/day-store";
import { RendezvousStrategy, rendezvousOwner } from "./sharding/rendezvous.strategy";

/** Sharded by day: every node computes the same owner for a `dayKey` ("<hospitalId>:<date>"). */
const sharded = {
  strategy: RendezvousStrategy,
  strategyOptions: { shardKey: "dayKey" },
  visibility: "public",
} as const;
const dayKeyParam = { type: "string", pattern: /^[1-9][0-9]{0,9}:[0-9]{4}-[0-9]{2}-[0-9]{2}$/ } as const;
const callerParam = {
  type: "object",
  props: {
    accountId: idParam,
    role: { type: "enum", values: ["patient", "staff", "admin"] },
    hospitalId: { type: "number", integer: true, nullable: true, optional: true },
  },
} as const;

const SWEEP_MS = 10_000;

interface DayParams {
  dayKey: string;
}

/**
 * The booking engine: one actor per hospital-day on exactly one node (by
 * rendezvous hashing of the day key), serialising that day's bookings without
 * locks. Callers reach these actions through ordinary actions (the gateway
 * ignores shard keys), e.g. `appointments.book`.
 */
export function dayService(app: App): ServiceSchema {
  const now = () => app.now().getTime();
  let registry: ActorRegistry;
  let relay: InProcessRelay;
  let sweeper: NodeJS.Timeout | null = null;

  const actorFor = (dayKey: string) => {
    const { hospitalId, date } = parseDayKey(dayKey);
    return registry.get(hospitalId, date);
  };

  /** Reads the day's committed state and turns a refusal into a client error. */
  async function readDay<T>(dayKey: string, read: (state: DayState, at: number) => T): Promise<T> {
    try {
      return await actorFor(dayKey).read(read);
    } catch (err) {
      if (err instanceof DecisionError) throw new ClientError(err.status, err.code, err.message, err.details);
      throw err;
    }
  }

  /** Sends a command to the day and turns a refused decision into a client error. */
  async function decide(dayKey: string, command: DayCommand): Promise<Outcome> {
    try {
      return await actorFor(dayKey).send(command);
    } catch (err) {
      if (err instanceof DecisionError) throw new ClientError(err.status, err.code, err.message, err.details);
      throw err;
    }
  }

  /** A command on one appointment made on behalf of a caller (whether they may is the day's decision). */
  const byCaller = (type: "cancel" | "checkIn") => ({
    ...sharded,
    params: { dayKey: dayKeyParam, appointmentId: "string", caller: callerParam },
    handler: (ctx: Context<DayParams & { appointmentId: string; caller: Caller }>) =>
      decide(ctx.params.dayKey, { type, appointmentId: ctx.params.appointmentId, caller: ctx.params.caller }),
  });

  return {
    name: "day",
    actions: {
      availability: {
        ...sharded,
        params: { dayKey: dayKeyParam, doctorId: optionalIdParam },
        async handler(ctx: Context<DayParams & { doctorId?: number }>) {
          const actor = actorFor(ctx.params.dayKey);
          const doctors = await readDay(ctx.params.dayKey, (state, at) => {
            const { doctorId } = ctx.params;
            if (doctorId !== undefined && !state.slots.has(doctorId)) {
              throw new DecisionError(404, "NOT_FOUND", `Doctor ${doctorId} was not found at this hospital.`);
            }
            const window = bookingWindow(state.calendar, new Date(at));
            return dayAvailability(state, at, (start) => isSlotOpen(window, state.date, start), doctorId);
          });
          return { hospitalId: actor.hospitalId, date: actor.date, doctors };
        },
      },

      book: {
        ...sharded,
        params: {
          dayKey: dayKeyParam,
          doctorId: idParam,
          start: clockTimeParam,
          patientId: idParam,
          accountId: idParam,
          holdSeconds: { type: "number", integer: true, min: 1, max: 3600, optional: true },
          couponCode: { type: "string", max: 40, optional: true, nullable: true },
        },
        handler: (ctx: Context<DayParams & Omit<Extract<DayCommand, { type: "book" }>, "type">>) => {
          const { dayKey, ...command } = ctx.params;
          return decide(dayKey, { type: "book", ...command });
        },
      },

      confirm: {
        ...sharded,
        params: { dayKey: dayKeyParam, appointmentId: "string" },
        handler: (ctx: Context<DayParams & { appointmentId: string }>) =>
          decide(ctx.params.dayKey, { type: "confirm", appointmentId: ctx.params.appointmentId }),
      },

      cancel: byCaller("cancel"),
      checkIn: byCaller("checkIn"),

      expireHolds: {
        ...sharded,
        params: { dayKey: dayKeyParam },
        async handler(ctx: Context<DayParams>) {
          const outcome = await decide(ctx.params.dayKey, { type: "expire" });
          return { expired: outcome.events.length };
        },
      },

      /** A reception command for the day's queue (see services/queue/queue-commands.ts). */
      queue: {
        ...sharded,
        params: { dayKey: dayKeyParam, command: { type: "object" } },
        handler: (ctx: Context<DayParams & { command: QueueCommand }>) =>
          decide(ctx.params.dayKey, ctx.params.command),
      },

      /** The day's board, with every waiting ticket's place (ticket ids included: for trusted callers only). */
      board: {
        ...sharded,
        params: { dayKey: dayKeyParam },
        handler: (ctx: Context<DayParams>) => readDay(ctx.params.dayKey, (state, at) => boardOf(state, at)),
      },

      /** One ticket as it stands, with its place if waiting. */
      ticket: {
        ...sharded,
        params: { dayKey: dayKeyParam, ticketId: "string" },
        handler: (ctx: Context<DayParams & { ticketId: string }>) =>
          readDay(ctx.params.dayKey, (state, at) => {
            const ticket = state.queue.tickets.get(ctx.params.ticketId);
            if (!ticket)
              throw new DecisionError(404, "NOT_FOUND", `Ticket ${ctx.params.ticketId} was not found.`);
            return { ticket, place: places(contextOf(state, at)).get(ticket.id) ?? null };
          }),
      },

      /** How many day actors this node holds (for tests, the REPL and metrics). */
      stats: {
        visibility: "public",
        handler: () => ({ actors: registry.size }),
      },
    },

    events: {
      /** A calendar change reshapes the hospital's days: their actors reload on next use. */
      "schedules.calendar.changed"(ctx: Context<{ hospitalId: number }>) {
        registry.retireWhere((actor) => actor.hospitalId === ctx.params.hospitalId);
      },
      /** Nodes came or went: days this node no longer owns are let go before a stale copy can answer. */
      "$services.changed"(this: { broker: Context["broker"] }) {
        const nodes = this.broker.registry
          .getServiceList({ onlyAvailable: true })
          .filter((s) => s.name === "day")
          .map((s) => s.nodeID)
          .filter((id): id is string => typeof id === "string");
        if (nodes.length === 0) return;
        const self = this.broker.nodeID;
        registry.retireWhere((actor) => !actor.busy && rendezvousOwner(actor.dayKey, nodes) !== self);
      },
    },

    created(this: { broker: Context["broker"] }) {
      relay = new InProcessRelay(this.broker, app.sequelize, now);
      registry = new ActorRegistry(
        {
          store: new DayStore(app),
          relay,
          now,
          newId: () => uuidv7(now()),
          maxBatch: app.config.booking.actorMaxBatch,
        },
        { idleMs: app.config.booking.actorIdleMs, maxActors: app.config.booking.actorMaxDays },
      );
    },

    started(this: { broker: Context["broker"] }) {
      registry.start();
      sweeper = setInterval(() => {
        void sweepStaleWork(this.broker.call.bind(this.broker)).catch((err: unknown) =>
          this.broker.logger.warn("Sweep failed", err),
        );
      }, SWEEP_MS);
      sweeper.unref();
    },

    async stopped() {
      if (sweeper) clearInterval(sweeper);
      await registry.stop();
      await relay.drain();
    },
  };

  /** Work a crashed or idle node left behind: lapsed holds of days no actor holds, undispatched events. */
  async function sweepStaleWork(call: (action: string, params: object) => Promise<unknown>): Promise<void> {
    const days = await app.sequelize.query<{ hospital_id: number; date: string }>(
      "SELECT DISTINCT hospital_id, date FROM appointments WHERE status = 'pending' AND hold_expires_at <= ? LIMIT 100",
      { replacements: [now()], type: QueryTypes.SELECT },
    );
    for (const d of days) await call("day.expireHolds", { dayKey: dayKeyOf(d.hospital_id, d.date) });
    await relay.sweep(SWEEP_MS * 3);
  }
}
