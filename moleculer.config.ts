/**
 * Broker options for a node, derived from the typed configuration (see
 * platform/config.ts, the only reader of the environment).
 */
import type { BrokerOptions } from "moleculer";
import type { Errors } from "moleculer";
import type { AppConfig } from "./platform/config";

export function brokerOptions(config: AppConfig, overrides: Partial<BrokerOptions> = {}): BrokerOptions {
  return {
    namespace: config.namespace,
    nodeID: config.nodeId ?? undefined,
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
    heartbeatInterval: 2,
    heartbeatTimeout: 6,
    retryPolicy: {
      enabled: true,
      retries: 3,
      delay: 50,
      maxDelay: 1000,
      factor: 2,
      // Errors that crossed the transporter arrive as plain MoleculerErrors carrying the flag.
      check: (err: Error) => (err as InstanceType<typeof Errors.MoleculerError>).retryable === true,
    },
    circuitBreaker: {
      enabled: true,
      threshold: 0.5,
      minRequestCount: 20,
      windowTime: 60,
      halfOpenTime: 10_000,
    },
    // SIGTERM waits for in-flight calls before the node leaves.
    tracking: { enabled: true, shutdownTimeout: 10_000 },
    // preferLocal would answer a sharded call on the caller's node whenever it hosts `slots`,
    // silently bypassing the day's owner; so calls are always routed by their strategy.
    registry: { strategy: "RoundRobin", preferLocal: false },
    metrics:
      config.metricsPort > 0
        ? {
            enabled: true,
            reporter: { type: "Prometheus", options: { port: config.metricsPort, path: "/metrics" } },
          }
        : { enabled: false },
    ...overrides,
  };
}
