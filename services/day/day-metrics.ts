/**
 * The day engine's figures for the metrics exporter (names fixed for the
 * operators' dashboards and alerts). Labels stay bounded: per node, and a
 * booking's result, never per day or per patient.
 */
import type { ServiceBroker } from "moleculer";
import type { App } from "../../platform/app";
import { localMoment } from "../../platform/time";
import { outboxBacklog } from "../outbox/outbox-backlog";
import type { ActorRegistry } from "./actor/actor-registry";
import type { ActorObserver } from "./actor/actor-types";
import { seatsOversold } from "./oversold";

const GAUGES_EVERY_MS = 15_000;
/** The invariant check reads every upcoming seat: once a minute is plenty. */
const OVERSOLD_EVERY_MS = 60_000;

export function dayMetrics(app: App, broker: ServiceBroker, registry: () => ActorRegistry) {
  const metrics = broker.metrics;
  const on = broker.isMetricsEnabled();
  const timers: NodeJS.Timeout[] = [];

  if (on) {
    metrics.register({ name: "hre_day_actors", type: "gauge", description: "Live day actors on this node" });
    metrics.register({
      name: "hre_actor_mailbox_depth",
      type: "gauge",
      description: "Deepest day-actor mailbox on this node",
    });
    metrics.register({
      name: "hre_actor_turn_commands",
      type: "histogram",
      description: "Commands per day-actor turn (one commit)",
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    });
    metrics.register({
      name: "hre_actor_commit_seconds",
      type: "histogram",
      description: "Duration of a day actor's commit",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
    metrics.register({
      name: "hre_bookings_total",
      type: "counter",
      labelNames: ["result"],
      description: "Bookings answered, by result",
    });
    metrics.register({
      name: "hre_seats_oversold",
      type: "gauge",
      description: "Seats held beyond their slot's capacity (must be 0)",
    });
    metrics.register({
      name: "hre_outbox_pending",
      type: "gauge",
      description: "Outbox events not yet published",
    });
    metrics.register({
      name: "hre_outbox_oldest_seconds",
      type: "gauge",
      description: "Age of the oldest unpublished outbox event",
    });
    metrics.register({
      name: "hre_queue_waiting",
      type: "gauge",
      description: "Reception tickets waiting, in this node's day actors",
    });
  }

  const observer: ActorObserver = {
    turn(commands, commitSeconds) {
      if (!on) return;
      metrics.observe("hre_actor_turn_commands", commands);
      if (commitSeconds !== null) metrics.observe("hre_actor_commit_seconds", commitSeconds);
    },
    booking(result) {
      if (on) metrics.increment("hre_bookings_total", { result: result.toLowerCase() });
    },
  };

  /** Gauges read from this node's actors and the outbox. */
  async function sampleGauges(): Promise<void> {
    const actors = registry().list();
    metrics.set("hre_day_actors", actors.length);
    metrics.set("hre_actor_mailbox_depth", Math.max(0, ...actors.map((a) => a.depth)));
    metrics.set(
      "hre_queue_waiting",
      actors.reduce((sum, a) => sum + a.waitingTickets, 0),
    );
    const backlog = await outboxBacklog(app.sequelize, app.now().getTime());
    metrics.set("hre_outbox_pending", backlog.pending);
    metrics.set("hre_outbox_oldest_seconds", backlog.oldestSeconds);
  }

  async function sampleOversold(): Promise<void> {
    metrics.set("hre_seats_oversold", await seatsOversold(app, localMoment(app.now(), "Asia/Seoul").date));
  }

  const every = (ms: number, sample: () => Promise<void>) => {
    const run = () => void sample().catch((err: unknown) => broker.logger.warn("Metrics sample failed", err));
    run();
    const timer = setInterval(run, ms);
    timer.unref();
    timers.push(timer);
  };

  return {
    observer,
    /** Starts the periodic samples (only with metrics on); `sampleNow` runs them at once (tests, the REPL). */
    start() {
      if (!on) return;
      every(GAUGES_EVERY_MS, sampleGauges);
      every(OVERSOLD_EVERY_MS, sampleOversold);
    },
    sampleNow: () =>
      on ? Promise.all([sampleGauges(), sampleOversold()]).then(() => undefined) : Promise.resolve(),
    stop() {
      for (const t of timers.splice(0)) clearInterval(t);
    },
  };
}
