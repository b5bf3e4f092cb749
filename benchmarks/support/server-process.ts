/**
 * The benchmark's server, run as a child process (see server-handle.ts) so
 * the load generator does not steal its event loop: one node with every
 * service plus the variants' own services and routes.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig } from "../../platform/config";
import { createNode } from "../../node";
import type { HospitalNode } from "../../node";
import { VARIANTS, benchRoutes } from "./variants";

export interface StartMessage {
  type: "start";
  dbUrl: string;
  redisUrl: string;
  jwtSecret: string;
}

/** After "start": "cpu" asks for the CPU time this process has used so far, "stop" ends it. */
export type ControlMessage = { type: "cpu" } | { type: "stop" };

export type ServerMessage =
  { type: "ready"; port: number } | { type: "failed"; error: string } | { type: "cpu"; micros: number };

async function serve(start: StartMessage): Promise<HospitalNode> {
  const config = {
    ...loadConfig({ JWT_SECRET: start.jwtSecret, LOG_LEVEL: "warn" }),
    dbUrl: start.dbUrl,
    redisUrl: start.redisUrl,
    port: 0,
    metricsPort: 0,
    seedOnEmpty: false,
  };
  const node = await createNode(config, {
    extraServices: VARIANTS.flatMap((v) => (v.service ? [v.service.create] : [])),
    extraRoutes: benchRoutes(),
  });
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
