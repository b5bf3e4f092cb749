import type { ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import { RetryableError } from "../../platform/errors";
import { createKafka } from "../../platform/kafka";

/** Liveness (the process answers) and readiness (its dependencies answer too). */
export function healthService(app: App): ServiceSchema {
  // Its own connection: this node may run no Kafka producer or consumer and still report the cluster.
  const kafka = app.config.kafka ? createKafka(app.config.kafka) : null;
  return {
    name: "health",
    actions: {
      live: { idempotent: true, handler: () => ({ status: "ok" }) },

      ready: {
        idempotent: true,
        async handler(this: { broker: { transit?: { connected: boolean } } }) {
          const checks: Record<string, boolean> = {};
          try {
            await app.sequelize.query("SELECT 1");
            checks.database = true;
          } catch {
            checks.database = false;
          }
          if (app.config.transporter) checks.transporter = this.broker.transit?.connected === true;
          if (kafka) checks.kafka = await kafka.probe();
          if (Object.values(checks).every(Boolean)) return { status: "ready", checks };
          throw new RetryableError("NOT_READY", "A dependency is not reachable.", { checks });
        },
      },
    },

    async stopped() {
      await kafka?.close();
    },
  };
}
