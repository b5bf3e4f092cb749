import type { Context, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import { ClientError } from "../../platform/errors";
import { uuidv7 } from "../../platform/ids";
import { clockTimeParam, idParam, optionalIdParam } from "../../platform/params";
import { relayConfigOf, resolveRelay } from "../outbox/relays";
import type { OutboxRelay } from "../outbox/relays/transport";
import { ActorRegistry } from "./actor/actor-registry";
import type { DayCommand, Outcome } from "./decisions/day-commands";
import type { DayState } from "./decisions/day-state";
import { dayAvailability } from "./decisions/availability";
import type { Caller } from "./decisions/decision";
import { DecisionError, refusalOf } from "./decisions/decision";
import type { Refusal } from "./decisions/decision";
import type { RequestKey } from "./decisions/request-key";
import { dayKeyOf, parseDayKey } from "./day-key";
import { boardOf } from "./reception/board";
import { contextOf } from "./reception/queue-commands";
import { QUEUE_COMMAND_PARAMS, callerParam, dayKeyParam, requestKeyParam } from "./day.params";
import { places } from "./reception/queue-timeline";
import { DayRepository } from "./store/day-repository";
import { FencedError } from "./store/commit-errors";
import { DayStore } from "./store/day-store";
import { dayMetrics } from "./day-metrics";
import { dayAdminActions } from "./day-admin.actions";
import { dayReadActions } from "./day-read.actions";
import { RendezvousStrategy, rendezvousOwner } from "./sharding/rendezvous.strategy";
import { AvailabilityCopy, copyPublisher } from "./availability-copy";
import { calendarVersionOf } from "../hospitals/calendar-repository";

/** The hash of every broker-retry key (see `decide`): the request id alone names the call. */
const BROKER_RETRY_HASH = "broker-retry";

/**
 * Sharded by day: every node computes the same owner for a `dayKey`
 * ("<hospitalId>:<date>"). Every command carries a request key, so a call
 * retried after an ambiguous failure (a timeout, a node lost mid-call) is
 * answered once: `idempotent` lets the broker's retry policy retry it.
 */
const sharded = {
  strategy: RendezvousStrategy,
  strategyOptions: { shardKey: "dayKey" },
  visibility: "public",
  idempotent: true,
} as const;
const SWEEP_MS = 10_000;
/** Long enough for a joining node to receive its peers' INFO (they answer its DISCOVER at once). */
const CLUSTER_SETTLE_MS = 1500;
/** Keyed answers are kept at least 24 hours (API.md); pruned after two days. */
const ANSWER_RETENTION_MS = 48 * 3600_000;
/** Time for an answer to travel back to a caller that is still waiting. */
const ANSWER_MARGIN_MS = 25;

interface DayParams {
  dayKey: string;
  requestKey?: RequestKey;
}

/**
 * The booking engine: one actor per hospital-day on exactly one node (by
 * rendezvous hashing of the day key), serialising that day's bookings and
 * reception without locks. Front services (appointments, queue) reach the
 * sharded actions with ordinary calls; the gateway ignores shard keys.
 */
export function dayService(app: App): ServiceSchema {
  const { clock } = app;
  const repository = new DayRepository(app.sequelize);
  let registry: ActorRegistry;
  /** Where the actors publish availability for every node to read (none without Redis: reads ask the actor). */
  let copy: AvailabilityCopy | null = null;
  let relay: OutboxRelay;
  let sweeper: NodeJS.Timeout | null = null;
  let metrics: ReturnType<typeof dayMetrics>;
  /** This node's id and the live `day` nodes as its registry sees them. */
  let self = "";
  let members: string[] = [];

  /**
   * The day's actor on this node. A caller whose view of the cluster differs
   * from ours (a node just joined or left) may send us a day we do not own:
   * it is told to retry rather than served, so one day never gets two busy
   * activations while views settle.
   */
  const actorFor = (dayKey: string) => {
    if (members.length > 0 && rendezvousOwner(dayKey, members) !== self) throw new FencedError(dayKey);
    const { hospitalId, date } = parseDayKey(dayKey);
    return registry.get(hospitalId, date);
  };
  const asClientError = (err: unknown) =>
    err instanceof DecisionError ? new ClientError(err.status, err.code, err.message, err.details) : err;

  /** Reads the day's committed state and turns a refusal into a client error. */
  async function readDay<T>(dayKey: string, read: (state: DayState, at: number) => T): Promise<T> {
    try {
      return await actorFor(dayKey).read(read);
    } catch (err) {
      throw asClientError(err);
    }
  }

  /**
   * Sends a command to the day with the caller's deadline and a request key:
   * the client's, or one made from the request id, so the broker's own
   * retries of this call are answered once too.
   */
  async function decide(
    ctx: Context<DayParams>,
    command: DayCommand,
    accountId: number | null,
    refusalsAsClientErrors = true,
  ): Promise<Outcome> {
    const timeout = ctx.options.timeout ?? 0;
    const deadline = timeout > 0 ? clock.now() + timeout - ANSWER_MARGIN_MS : Infinity;
    const key: RequestKey | null =
      ctx.params.requestKey ??
      (accountId === null
        ? null
        : {
            accountId,
            key: `req:${ctx.requestID}:${command.type}`,
            // One request id is one call: the broker's retry re-sends the same params, so there is no
            // other body for a hash to tell apart (hashing each command cost ~2 % of a booking's CPU).
            hash: BROKER_RETRY_HASH,
            forRetries: true,
          });
    try {
      return await actorFor(ctx.params.dayKey).send(command, { deadline, key });
    } catch (err) {
      throw refusalsAsClientErrors ? asClientError(err) : err;
    }
  }

  /** A command on one appointment made on behalf of a caller (whether they may is the day's decision). */
  const byCaller = (type: "cancel" | "checkIn") => ({
    ...sharded,
    params: {
      dayKey: dayKeyParam,
      appointmentId: "string",
      caller: callerParam,
      requestKey: requestKeyParam,
    },
    handler: (ctx: Context<DayParams & { appointmentId: string; caller: Caller }>) =>
      decide(
        ctx,
        { type, appointmentId: ctx.params.appointmentId, caller: ctx.params.caller },
        ctx.params.caller.accountId,
      ),
  });

  return {
    name: "day",
    actions: {
      availability: {
        ...sharded,
        params: { dayKey: dayKeyParam, doctorId: optionalIdParam },
        async handler(ctx: Context<DayParams & { doctorId?: number }>) {
          const { hospitalId, date } = parseDayKey(ctx.params.dayKey);
          const doctors = await readDay(ctx.params.dayKey, (state, at) =>
            dayAvailability(state, at, ctx.params.doctorId),
          );
          return { hospitalId, date, doctors };
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
          couponRef: { type: "string", max: 100, optional: true, nullable: true },
          requestKey: requestKeyParam,
          refusalAsAnswer: { type: "boolean", optional: true },
        },
        /**
         * With `refusalAsAnswer` (the booking front) a refusal resolves as `{refused}` instead of
         * being thrown: a thrown error goes back through every middleware of the call, and in an
         * open run nearly every booking is refused.
         */
        handler: async (
          ctx: Context<
            DayParams & Omit<Extract<DayCommand, { type: "book" }>, "type"> & { refusalAsAnswer?: boolean }
          >,
        ): Promise<Outcome | Refusal> => {
          const { dayKey: _day, requestKey: _key, refusalAsAnswer, ...command } = ctx.params;
          try {
            return await decide(ctx, { type: "book", ...command }, command.accountId, !refusalAsAnswer);
          } catch (err) {
            if (err instanceof DecisionError) return refusalOf(err);
            throw err;
          }
        },
      },

      confirm: {
        ...sharded,
        params: { dayKey: dayKeyParam, appointmentId: "string", requestKey: requestKeyParam },
        handler: (ctx: Context<DayParams & { appointmentId: string }>) =>
          decide(ctx, { type: "confirm", appointmentId: ctx.params.appointmentId }, null),
      },

      cancel: byCaller("cancel"),
      checkIn: byCaller("checkIn"),

      expireHolds: {
        ...sharded,
        params: { dayKey: dayKeyParam },
        async handler(ctx: Context<DayParams>) {
          const outcome = await decide(ctx, { type: "expire" }, null);
          return { expired: outcome.events.length };
        },
      },

      /** A reception command for the day's queue (see reception/queue-commands.ts); an unknown one is a 422. */
      queue: {
        ...sharded,
        params: { dayKey: dayKeyParam, command: QUEUE_COMMAND_PARAMS, requestKey: requestKeyParam },
        handler: (ctx: Context<DayParams & { command: Extract<DayCommand, { caller: Caller }> }>) =>
          decide(ctx, ctx.params.command, ctx.params.command.caller.accountId),
      },

      /** The day's board, with every waiting ticket's place (ticket ids included: for trusted callers only). */
      board: {
        ...sharded,
        params: { dayKey: dayKeyParam },
        handler: (ctx: Context<DayParams>) => readDay(ctx.params.dayKey, (state, at) => boardOf(state, at)),
      },

      /** One ticket as it stands, with its place if waiting. */
      place: {
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

      ...dayReadActions(repository),
      ...dayAdminActions({ app, registry: () => registry, metrics: () => metrics }),
    },

    events: {
      /** A calendar change reshapes the hospital's days: their actors reload on next use. */
      async "schedules.calendar.changed"(ctx: Context<{ hospitalId: number }>) {
        const { hospitalId } = ctx.params;
        registry.retireWhere((actor) => actor.hospitalId === hospitalId);
        const version = copy ? await calendarVersionOf(app.sequelize, hospitalId) : null;
        if (version !== null) await copy?.calendarChanged(hospitalId, version);
      },
      /**
       * Nodes came or went: days this node no longer owns are let go at once,
       * their waiting callers told to retry (they reach the new owner), so a
       * stale copy never answers once membership has settled.
       */
      "$services.changed"(this: { broker: Context["broker"] }) {
        members = dayNodes(this.broker);
        if (members.length === 0) return;
        registry.retireWhere((actor) => rendezvousOwner(actor.dayKey, members) !== self);
      },
    },

    created(this: { broker: Context["broker"] }) {
      self = this.broker.nodeID;
      if (app.config.redisUrl) copy = new AvailabilityCopy(app.config.redisUrl, app.config.namespace);
      metrics = dayMetrics(app, this.broker, () => registry);
      relay = resolveRelay(relayConfigOf(app.config), {
        broker: this.broker,
        sequelize: app.sequelize,
        now: () => clock.now(),
      });
      registry = new ActorRegistry(
        {
          store: new DayStore(app),
          relay,
          clock,
          newId: () => uuidv7(clock.now()),
          maxBatch: app.config.booking.actorMaxBatch,
          maxMailbox: app.config.booking.actorMaxMailbox,
          maxActiveAppointments: app.config.booking.maxActiveAppointments,
          observer: metrics.observer,
          availability: copy
            ? copyPublisher(copy, (err) => this.broker.logger.warn("Availability copy not written", err))
            : undefined,
        },
        { idleMs: app.config.booking.actorIdleMs, maxActors: app.config.booking.actorMaxDays },
      );
    },

    async started(this: { broker: Context["broker"] }) {
      // A node that just joined first hears who else is there, so it does not take days it does not own.
      if (app.config.mode === "cluster")
        await new Promise((resolve) => setTimeout(resolve, CLUSTER_SETTLE_MS));
      members = dayNodes(this.broker);
      registry.start();
      await relay.start();
      metrics.start();
      sweeper = setInterval(() => {
        void sweepStaleWork(this.broker.call.bind(this.broker)).catch((err: unknown) =>
          this.broker.logger.warn("Sweep failed", err),
        );
      }, SWEEP_MS);
      sweeper.unref();
    },

    async stopped() {
      if (sweeper) clearInterval(sweeper);
      metrics.stop();
      await registry.stop();
      await relay.stop();
      await copy?.close();
    },
  };

  /** Work a crashed or idle node left behind: lapsed holds of days no actor holds; old answers. */
  async function sweepStaleWork(call: (action: string, params: object) => Promise<unknown>): Promise<void> {
    for (const d of await repository.lapsedHoldDays(clock.now()))
      await call("day.expireHolds", { dayKey: dayKeyOf(d.hospital_id, d.date) });
    await repository.pruneAnswers(clock.now() - ANSWER_RETENTION_MS);
  }
}

/** The nodes whose `day` service is live, by this node's registry (itself included once started). */
function dayNodes(broker: Context["broker"]): string[] {
  return broker.registry
    .getServiceList({ onlyAvailable: true })
    .filter((s) => s.name === "day")
    .map((s) => s.nodeID)
    .filter((id): id is string => typeof id === "string");
}
