/**
 * Moleculer looks for silent nodes only every `heartbeatTimeout` seconds, so
 * a crash is noticed between 1× and 2× that timeout after the last heartbeat.
 * Looking every second brings it down to the timeout plus about a second.
 */
import type { Middleware, ServiceBroker } from "moleculer";

export function frequentHeartbeatChecks(everyMs = 1000): Middleware {
  let timer: NodeJS.Timeout | null = null;
  return {
    name: "FrequentHeartbeatChecks",
    started(broker: ServiceBroker) {
      // Without a transporter there is no discoverer and no remote node to check.
      const discoverer = broker.transit ? broker.registry.discoverer : null;
      if (discoverer) {
        timer = setInterval(() => discoverer.checkRemoteNodes(), everyMs);
        timer.unref();
      }
      return Promise.resolve();
    },
    stopped() {
      if (timer) clearInterval(timer);
      timer = null;
      return Promise.resolve();
    },
  };
}
