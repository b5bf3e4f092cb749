/**
 * The benchmark's server, run as a child process (see server-handle.ts) so
 * the load generator does not steal its event loop: one node with every
 * service plus the variants' own services and routes, or one node of a
 * cluster (a gateway or a worker, see cluster-handle.ts).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { loadConfig } from "../../platform/config";
import { createNode } from "../../node";
import type { HospitalNode } from "../../node";
import type { App } from "../../platform/app";
import type { RouteSpec } from "../../services/api/routes";
import { COUPON_DESIGNS, couponBenchRoutes } from "../alternatives/coupon-variants";
import { VARIANTS, benchRoutes } from "./variants";

/** The embedded mode's logger: cluster mode's JSON lines carry a timestamp each, which ServerLog could not fold. */
const PLAIN_LOGGER = {
  type: "Console",
  options: { level: "warn", formatter: "short", colors: false },
} as const;
/** Long enough for nodes still compiling TypeScript (tsx) on a busy 2-core machine. */
const PEERS_TIMEOUT_MS = 45_000;

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
  /** Cluster mode (TRANSPORTER), e.g. "redis://127.0.0.1:6379"; one node on its own when absent. */
  transporter?: string;
  /** NODE_ID, unique within the namespace. */
  nodeId?: string;
  /** SERVICES this node runs; every one when absent. */
  services?: string[];
  /** Whether the suite's own services run here (yes when absent); a gateway leaves them to the workers. */
  suiteServices?: boolean;
  /** Before answering "ready", wait until every one of `services` is available on each of `nodes`. */
  waitFor?: { nodes: string[]; services: string[] };
}

/** After "start": "cpu" asks for the CPU time this process has used so far, "stop" ends it. */
export type ControlMessage = { type: "cpu" } | { type: "stop" };

/** `port` is null on a node without the gateway (`api`). */
export type ServerMessage =
  | { type: "ready"; port: number | null }
  | { type: "failed"; error: string }
  | { type: "cpu"; micros: number };

async function serve(start: StartMessage): Promise<HospitalNode> {
  const config = {
    ...loadConfig({
      JWT_SECRET: start.jwtSecret,
      LOG_LEVEL: "warn",
      KAFKA_BROKERS: start.kafkaBrokers,
      NAMESPACE: start.namespace,
      ADMISSION_ENABLED: start.admission === false ? "false" : undefined,
      ACTOR_MAX_BATCH: start.actorMaxBatch === undefined ? undefined : String(start.actorMaxBatch),
      TRANSPORTER: start.transporter,
      NODE_ID: start.nodeId,
      SERVICES: start.services?.join(","),
    }),
    dbUrl: start.dbUrl,
    redisUrl: start.redisUrl,
    port: 0,
    metricsPort: 0,
    seedOnEmpty: false,
  };
  const extras = SUITES[start.suite ?? "hotspot"]();
  const node = await createNode(config, {
    extraServices: start.suiteServices === false ? [] : extras.services,
    extraRoutes: extras.routes,
    broker: start.transporter ? { logger: PLAIN_LOGGER } : {},
  });
  await node.broker.start();
  if (start.waitFor) await waitForPeers(node.broker, start.waitFor);
  return node;
}

/** Polls this node's registry until each of `nodes` offers every one of `services`. */
async function waitForPeers(broker: ServiceBroker, want: { nodes: string[]; services: string[] }) {
  const deadline = Date.now() + PEERS_TIMEOUT_MS;
  const missing = () => {
    const list = broker.registry.getServiceList({ onlyAvailable: true, skipInternal: true, grouping: true });
    const hosts = new Map(list.map((s) => [s.name, s.nodes ?? []]));
    return want.services.flatMap((name) =>
      want.nodes.filter((id) => !hosts.get(name)?.includes(id)).map((id) => `${name}@${id}`),
    );
  };
  for (let gaps = missing(); gaps.length > 0; gaps = missing()) {
    if (Date.now() > deadline) throw new Error(`Never saw ${gaps.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function send(message: ServerMessage): void {
  process.send?.(message);
}

process.once("message", (start: StartMessage) => {
  serve(start).then(
    (node) => {
      const api = node.broker.getLocalService("api") as unknown as { server: Server } | undefined;
      send({ type: "ready", port: api ? (api.server.address() as AddressInfo).port : null });
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
