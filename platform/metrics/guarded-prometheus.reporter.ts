/**
 * Moleculer's Prometheus reporter, guarded: with a token set, a scrape must
 * send `Authorization: Bearer <token>`; nothing that identifies the host
 * (process arguments, user, host name, network addresses, kernel) is exported;
 * and what is exported passes `promtool check metrics`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { MetricReporters } from "moleculer";

/** Moleculer's built-in metrics that describe the machine rather than the service. */
export const HOST_IDENTIFYING_METRICS = [
  "process.argv",
  "process.pid",
  "process.ppid",
  "os.hostname",
  "os.user.*",
  "os.network.*",
  "os.type",
  "os.release",
  "os.arch",
  "os.platform",
  "os.datetime.*",
];

/**
 * Moleculer built-ins that break Prometheus' naming rules (`promtool check
 * metrics`): gauges named `_total`, counters without it, histograms carrying
 * quantile labels, camelCase labels. Dashboards use the `hre_*` figures instead.
 */
export const NONCONFORMING_BUILTIN_METRICS = [
  "moleculer.broker.local.services.total",
  "moleculer.broker.middlewares.total",
  "moleculer.registry.**",
  "moleculer.request.levels",
  "moleculer.request.error.total",
  "moleculer.request.time*",
  "moleculer.event.received.time*",
];

interface GuardedOptions {
  port: number;
  host: string;
  path: string;
  token: string | null;
}

const Prometheus = MetricReporters.Prometheus as unknown as new (opts: object) => {
  handler(req: IncomingMessage, res: ServerResponse): void;
};

export class GuardedPrometheusReporter extends Prometheus {
  private readonly token: string | null;

  constructor(options: GuardedOptions) {
    const { token, ...rest } = options;
    super({
      ...rest,
      excludes: [...HOST_IDENTIFYING_METRICS, ...NONCONFORMING_BUILTIN_METRICS],
      // Label names in snake_case, as Prometheus expects (Moleculer's default says `nodeID`).
      defaultLabels: (registry: { broker: { namespace: string; nodeID: string } }) => ({
        namespace: registry.broker.namespace,
        node: registry.broker.nodeID,
      }),
    });
    this.token = token;
  }

  handler(req: IncomingMessage, res: ServerResponse): void {
    if (this.token !== null && req.headers.authorization !== `Bearer ${this.token}`) {
      res.writeHead(401, { "WWW-Authenticate": "Bearer" });
      res.end();
      return;
    }
    super.handler(req, res);
  }
}
