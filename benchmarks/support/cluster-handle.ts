/**
 * The benchmark's cluster on this machine: a gateway (`api`, `health`) and
 * two workers (every other service plus the variants' own), each a
 * server-process.ts child started by startServer, on the Redis transporter
 * in a namespace of their own and sharing the benchmark's database. The
 * gateway's extra routes then reach the variants on the workers, so even the
 * no-op route pays the gateway → worker hop.
 */
import crypto from "node:crypto";
import { SERVICE_NAMES } from "../../node";
import type { Deployment, ServerHandle } from "./server-handle";
import { startServer } from "./server-handle";
import type { StartMessage } from "./server-process";
import { VARIANTS } from "./variants";

const GATEWAY_ID = "gateway";
const GATEWAY_SERVICES = ["api", "health"];
const WORKER_IDS = ["worker-1", "worker-2"];
/** Every service but the gateway; `health` too, as in test/support/cluster.ts, so a worker answers probes. */
const WORKER_SERVICES = SERVICE_NAMES.filter((name) => name !== "api");
/** The variants' own services (benchNoop, …), which run on the workers only. */
const SUITE_SERVICES = VARIANTS.flatMap((v) => (v.service ? [v.service.action.split(".")[0]] : []));

export const CLUSTER_TITLE = `cluster: ${GATEWAY_ID} + ${WORKER_IDS.length} workers (Redis transporter)`;

type Common = Pick<StartMessage, "dbUrl" | "redisUrl" | "jwtSecret">;
type Options = { profileDir: string | null };

/**
 * Starts the workers, then the gateway, which answers "ready" only once it
 * sees every worker's services: the workers have passed the day service's
 * cluster settle time by then (it runs inside their start).
 */
export async function startCluster(common: Common, options: Options): Promise<Deployment> {
  const namespace = `hre-bench-${process.pid}-${crypto.randomBytes(3).toString("hex")}`;
  const base = { ...common, transporter: common.redisUrl, namespace };
  const workers = await startAll(
    WORKER_IDS.map((nodeId) => ({
      ...base,
      nodeId,
      services: WORKER_SERVICES,
      // Each worker knows the other's day service before it reports ready, so both agree who owns a day.
      waitFor: { nodes: WORKER_IDS.filter((id) => id !== nodeId), services: ["day"] },
    })),
    options,
  );
  const [gateway] = await startAll(
    [
      {
        ...base,
        nodeId: GATEWAY_ID,
        services: GATEWAY_SERVICES,
        suiteServices: false,
        waitFor: { nodes: WORKER_IDS, services: [...WORKER_SERVICES, ...SUITE_SERVICES] },
      },
    ],
    options,
  ).catch(async (err: unknown) => {
    await stopAll(workers);
    throw err;
  });
  const nodes: [string, ServerHandle][] = [
    [GATEWAY_ID, gateway],
    ...workers.map((w, i): [string, ServerHandle] => [WORKER_IDS[i], w]),
  ];
  return {
    baseUrl: gateway.baseUrl,
    log: {
      enter: (phase) => nodes.forEach(([, node]) => node.log.enter(phase)),
      digest: () =>
        nodes.flatMap(([id, node]) => {
          const lines = node.log.digest();
          return lines.length > 0 ? [`  ${id}:`, ...lines.map((line) => `  ${line}`)] : [];
        }),
    },
    cpuMicros: async () =>
      Object.fromEntries(
        await Promise.all(
          nodes.map(async ([id, node]): Promise<[string, number]> => [id, await node.cpuMicros()]),
        ),
      ),
    // The gateway first, so no request is in flight when the workers go.
    async stop() {
      await gateway.stop();
      await stopAll(workers);
    },
  };
}

/** Starts the nodes together; if any fails, stops the ones that started and rethrows. */
async function startAll(starts: Omit<StartMessage, "type">[], options: Options): Promise<ServerHandle[]> {
  const settled = await Promise.allSettled(starts.map((start) => startServer(start, options)));
  const started = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = settled.find((r) => r.status === "rejected");
  if (!failed) return started;
  await stopAll(started);
  throw failed.reason;
}

async function stopAll(nodes: ServerHandle[]): Promise<void> {
  await Promise.all(nodes.map((node) => node.stop()));
}
