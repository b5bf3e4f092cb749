/**
 * What operators and the admin console ask of a node's day service: its
 * actors, evicting a day, the outbox backlog and dead letters, the invariant
 * check. Per node (the admin console asks each node in turn).
 */
import type { Context } from "moleculer";
import type { App } from "../../platform/app";
import { notFound } from "../../platform/errors";
import { clockTimeParam, idParam, optionalIdParam } from "../../platform/params";
import { localMoment } from "../../platform/time";
import { listDeadLetters, takeDeadLetter } from "../outbox/dead-letters";
import { outboxBacklog } from "../outbox/outbox-backlog";
import { dispatchOnBus } from "../outbox/relays/in-process";
import type { ActorRegistry } from "./actor/actor-registry";
import type { dayMetrics } from "./day-metrics";
import { dayKeyParam } from "./day.params";
import { seatsOversold } from "./oversold";
import { RendezvousStrategy } from "./sharding/rendezvous.strategy";
import { PRIOR } from "./actor/pace";
import type { TurnCost } from "./actor/pace";

/** A day actor's load as admission control sees it: what waits, and what its turns cost. */
export interface DayPressure extends TurnCost {
  depth: number;
  maxBatch: number;
  /** The mailbox's bound: beyond it a command is turned away (503). */
  maxDepth: number;
  /** Seats the day can still sell (absent: the day is not loaded here yet). */
  seatsLeft?: number;
  /** Whether the slot asked about takes bookings now (absent: not asked, or the actor cannot say). */
  slotOpen?: boolean;
}

interface AdminDeps {
  app: App;
  registry: () => ActorRegistry;
  metrics: () => ReturnType<typeof dayMetrics>;
}

export function dayAdminActions({ app, registry, metrics }: AdminDeps) {
  return {
    /** This node's day actors (for tests, the REPL and metrics). */
    stats: {
      visibility: "public" as const,
      idempotent: true,
      handler: () => ({
        actors: registry().size,
        mailboxDepth: Math.max(
          0,
          ...registry()
            .list()
            .map((a) => a.depth),
        ),
      }),
    },

    /** This node's day actors, for the admin's `days`. */
    actors: {
      visibility: "public" as const,
      idempotent: true,
      handler: () =>
        registry()
          .list()
          .map((a) => ({ dayKey: a.dayKey, depth: a.depth, seats: a.seats, waiting: a.waitingTickets })),
    },

    /**
     * How loaded the day's actor is, for admission control: waiting commands and the measured
     * cost of its turns. Sharded like the day's commands, so it is asked where the actor lives.
     */
    pressure: {
      strategy: RendezvousStrategy,
      strategyOptions: { shardKey: "dayKey" },
      visibility: "public" as const,
      idempotent: true,
      params: {
        dayKey: dayKeyParam,
        doctorId: optionalIdParam,
        start: { ...clockTimeParam, optional: true },
      },
      handler(ctx: Context<{ dayKey: string; doctorId?: number; start?: string }>): DayPressure {
        const { dayKey, doctorId, start } = ctx.params;
        const actor = registry().peek(dayKey);
        const cost = actor?.pace.cost ?? PRIOR;
        const open = actor && doctorId !== undefined && start ? actor.takesBookings(doctorId, start) : null;
        const seats = actor?.seats;
        return {
          depth: actor?.depth ?? 0,
          maxBatch: app.config.booking.actorMaxBatch,
          maxDepth: app.config.booking.actorMaxMailbox,
          ...cost,
          ...(seats ? { seatsLeft: Math.max(0, seats.capacity - seats.booked) } : {}),
          ...(open === null ? {} : { slotOpen: open }),
        };
      },
    },

    /** Lets go of a day on this node (the admin's `evict`); its next call loads it afresh. */
    evict: {
      visibility: "public" as const,
      params: { dayKey: dayKeyParam },
      handler: (ctx: Context<{ dayKey: string }>) => ({
        evicted: registry().retireWhere((actor) => actor.dayKey === ctx.params.dayKey),
      }),
    },

    /** Dead letters of the consumers (the admin's `dlq`). */
    deadLetters: {
      visibility: "public" as const,
      idempotent: true,
      handler: () => listDeadLetters(app.sequelize),
    },

    /** Publishes dead letter `id` again for its consumer (the admin's `dlq replay <id>`). */
    replayDeadLetter: {
      visibility: "public" as const,
      params: { id: idParam },
      async handler(this: { broker: Context["broker"] }, ctx: Context<{ id: number }>) {
        const event = await takeDeadLetter(app.sequelize, ctx.params.id);
        if (!event) throw notFound("Dead letter", ctx.params.id);
        await dispatchOnBus(this.broker, event);
        return { replayed: event.eventId, type: event.type };
      },
    },

    /** Events not yet published (the admin's `outbox`). */
    outbox: {
      visibility: "public" as const,
      idempotent: true,
      handler: () => outboxBacklog(app.sequelize, app.clock.now()),
    },

    /** Runs the invariant check and the gauges now (the REPL's `oversold`, tests); answers the oversold count. */
    checkOversold: {
      visibility: "public" as const,
      idempotent: true,
      async handler() {
        await metrics().sampleNow();
        return { oversold: await seatsOversold(app, localMoment(app.now(), "Asia/Seoul").date) };
      },
    },
  };
}
