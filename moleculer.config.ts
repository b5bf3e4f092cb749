/**
 * Broker options for a node, derived from the typed configuration (see
 * platform/config.ts, the only reader of the environment).
 */
import crypto from "node:crypto";
import type { BrokerOptions } from "moleculer";
import { frequentHeartbeatChecks } from "./platform/broker/heartbeat-check";
import { idempotentRetry } from "./platform/broker/idempotent-retry";
import { failCallsToReplacedInstances } from "./platform/broker/replaced-instance";
import type { AppConfig } from "./platform/config";
import { GuardedPrometheusReporter } from "./platform/metrics/guarded-prometheus.reporter";

/**
 * Seconds between heartbeats, and of silence after which a node counts as
 * gone (its days move to the others). Remote nodes are checked every second
 * (frequentHeartbeatChecks), so a crash is noticed 4–5 s after its last
 * heartbeat. Not lower: with four processes on two busy cores an event loop
 * can stall for a second or two, and a live node declared dead sheds its
 * days for nothing.
 */
export const HEARTBEAT_INTERVAL_S = 1;
export const HEARTBEAT_TIMEOUT_S = 4;

export function brokerOptions(config: AppConfig, overrides: Partial<BrokerOptions> = {}): BrokerOptions {
  const { middlewares = [], ...rest } = overrides;
  const retry = idempotentRetry();
  return {
    namespace: config.namespace,
    // Moleculer's default id is the host name: it would reach logs and metrics labels. A random one is as unique.
    nodeID: config.nodeId ?? `node-${crypto.randomBytes(3).toString("hex")}`,
    transporter: (config.transporter ?? undefined) as BrokerOptions["transporter"],
    logger: {
      type: "Console",
      options: {
        level: config.logLevel,
        formatter: config.mode === "cluster" ? "json" : "short",
        colors: config.mode !== "cluster",
      },
    },
    // A call that never answers must not hang a patient's request forever (the default is no limit).
    requestTimeout: config.requestTimeoutMs,
    // A crashed node keeps its days until the others stop hearing from it: keep that window short.
    heartbeatInterval: HEARTBEAT_INTERVAL_S,
    heartbeatTimeout: HEARTBEAT_TIMEOUT_S,
    // Retryable errors are retried; a timeout or a dropped request only for an idempotent action.
    retryPolicy: { enabled: true, retries: 3, delay: 50, maxDelay: 1000, factor: 2, check: retry.check },
    // Off: Moleculer's breaker is keyed by node id, so it kept shutting out a worker restarted under
    // the same id, and a node could trip it against its own local services. A dead node is already
    // routed around (it leaves the registry, the rendezvous strategy picks the next owner), and a
    // failing dependency outside the cluster (payment gateways) gets its own breaker.
    circuitBreaker: { enabled: false },
    // SIGTERM waits for in-flight calls before the node leaves.
    tracking: { enabled: true, shutdownTimeout: 10_000 },
    // preferLocal would answer a sharded call on the caller's node whenever it hosts `slots`,
    // silently bypassing the day's owner; so calls are always routed by their strategy.
    registry: { strategy: "RoundRobin", preferLocal: false },
    metrics:
      config.metricsPort > 0
        ? ({
            enabled: true,
            reporter: new GuardedPrometheusReporter({
              port: config.metricsPort,
              host: config.metricsHost,
              path: "/metrics",
              token: config.metricsToken,
            }),
            // Moleculer's typings list reporter names, not instances; an instance is accepted at run time.
          } as unknown as BrokerOptions["metrics"])
        : { enabled: false },
    ...rest,
    // Ours first: the first registered middleware wraps each call innermost, inside Timeout and Retry.
    middlewares: [
      retry.middleware,
      frequentHeartbeatChecks(1000),
      failCallsToReplacedInstances(),
      ...middlewares,
    ],
  };
}
