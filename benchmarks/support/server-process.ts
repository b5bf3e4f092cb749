/**
 * The benchmark's server, run as a child process (see server-handle.ts) so
 * the load generator does not steal its event loop: one node with every
 * service plus the variants' own services and routes.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServiceSchema } from "moleculer";
import { loadConfig } from "../../platform/config";
import { createNode } from "../../node";
import type { HospitalNode } from "../../node";
import type { App } from "../../platform/app";
import type { RouteSpec } from "../../services/api/routes";
import { COUPON_DESIGNS, couponBenchRoutes } from "../alternatives/coupon-variants";
import { VARIANTS, benchRoutes } from "./variants";

/** Which benchmark's own services and routes the node gets besides the real ones. */
export type Suite = "hotspot" | "coupons";

const SUITES: Record<
  Suite,
  () => { services: ((app: App) => ServiceSchema)[]; routes: Record<string, RouteSpec> }
> = {
  hotspot: () => ({
    services: VARIANTS.flatMap((v) => (v.service ? [v.service.create] : [])),
    routes: benchRoutes(),
  }),
  coupons: () => ({
    services: COUPON_DESIGNS.flatMap((d) => (d.service ? [d.service.create] : [])),
    routes: couponBenchRoutes(),
  }),
};

export interface StartMessage {
  type: "start";
  dbUrl: string;
  redisUrl: string;
  jwtSecret: string;
  /** "hotspot" when absent. */
  suite?: Suite;
  /** Turns Kafka mode on (KAFKA_BROKERS). */
  kafkaBrokers?: string;
  /** Moleculer namespace, also the prefix of the product's Redis keys and Kafka groups. */
  namespace?: string;
  /** Open-run admission (ADMISSION_ENABLED); on when absent, as in production. */
  admission?: boolean;
  /** ACTOR_MAX_BATCH; the default when absent. */
  actorMaxBatch?: number;
}

/** After "start": "cpu" asks for the CPU time this process has used so far, "stop" ends it. */
export type ControlMessage = { type: "cpu" } | { type: "stop" };

export type ServerMessage =
  { type: "ready"; port: number } | { type: "failed"; error: string } | { type: "cpu"; micros: number };

async function serve(start: StartMessage): Promise<HospitalNode> {
  const config = {
    ...loadConfig({
      JWT_SECRET: start.jwtSecret,
      LOG_LEVEL: "warn",
      KAFKA_BROKERS: start.kafkaBrokers,
      NAMESPACE: start.namespace,
      ADMISSION_ENABLED: start.admission === false ? "false" : undefined,
      ACTOR_MAX_BATCH: start.actorMaxBatch === undefined ? undefined : String(start.actorMaxBatch),
    }),
    dbUrl: start.dbUrl,
    redisUrl: start.redisUrl,
    port: 0,
    metricsPort: 0,
    seedOnEmpty: false,
  };
  const extras = SUITES[start.suite ?? "hotspot"]();
  const node = await createNode(config, { extraServices: extras.services, extraRoutes: extras.routes });
  await node.broker.start();
  return node;
}

function send(message: ServerMessage): void {
  process.send?.(message);
}

process.once("message", (start: StartMessage) => {
  serve(start).then(
    (node) => {
      const server = (node.broker.getLocalService("api") as unknown as { server: Server }).server;
      send({ type: "ready", port: (server.address() as AddressInfo).port });
      // Stop on request, or when the parent is gone (its IPC channel closes), so no server outlives a run.
      let stopping: Promise<void> | null = null;
      const stop = () => {
        stopping ??= node.stop().finally(() => process.exit(0));
      };
      process.on("message", (message: ControlMessage) => {
        if (message.type === "stop") return stop();
        const { user, system } = process.cpuUsage();
        send({ type: "cpu", micros: user + system });
      });
      process.once("disconnect", stop);
    },
    (err: unknown) => {
      send({ type: "failed", error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      process.exit(1);
    },
  );
});
