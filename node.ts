/**
 * Builds one node: opens and migrates the database, creates the broker and
 * the services this node runs. `server.ts` starts it; tests build their own.
 */
import type { BrokerOptions, ServiceSchema } from "moleculer";
import { ServiceBroker } from "moleculer";
import { brokerOptions } from "./moleculer.config";
import type { Clock } from "./platform/clock";
import { systemClock } from "./platform/clock";
import { withOwnParamRules } from "./platform/params";
import { accountsService } from "./services/accounts/accounts.service";
import { apiService } from "./services/api/api.service";
import type { RouteSpec } from "./services/api/routes";
import { admissionService } from "./services/admission/admission.service";
import { appointmentsService } from "./services/appointments/appointments.service";
import { couponsService } from "./services/coupons/coupons.service";
import { healthService } from "./services/health/health.service";
import { hospitalsService } from "./services/hospitals/hospitals.service";
import { notificationsService } from "./services/notifications/notifications.service";
import { patientsService } from "./services/patients/patients.service";
import { paymentsService } from "./services/payments/payments.service";
import { queueService } from "./services/queue/queue.service";
import { schedulesService } from "./services/schedules/schedules.service";
import { searchService } from "./services/search/search.service";
import { settlementService } from "./services/settlement/settlement.service";
import { dayService } from "./services/day/day.service";
import type { App } from "./platform/app";
import type { AppConfig } from "./platform/config";
import { databaseErrorsMiddleware } from "./platform/db/database-errors.middleware";
import { openDatabase, tuneDatabase } from "./platform/db/database";
import { migrate } from "./platform/db/migrate";
import { defineModels } from "./platform/db/models";
import { resolveJwtSecret } from "./platform/jwt-secret";

const SERVICE_FACTORIES: Record<string, (app: App) => ServiceSchema> = {
  api: (app) => apiService(app),
  health: healthService,
  accounts: accountsService,
  patients: patientsService,
  hospitals: hospitalsService,
  search: (app) => searchService(app),
  day: dayService,
  schedules: schedulesService,
  appointments: appointmentsService,
  admission: (app) => admissionService(app),
  coupons: couponsService,
  payments: paymentsService,
  queue: queueService,
  notifications: notificationsService,
  settlement: (app) => settlementService(app, { cron: app.config.settlementCron }),
};

export const SERVICE_NAMES = Object.keys(SERVICE_FACTORIES);

export interface NodeOptions {
  /** Time for every service of the node (tests pass one they can move). */
  clock?: Clock;
  broker?: Partial<BrokerOptions>;
  /** More services on this node (benchmarks' alternative designs, test probes). */
  extraServices?: ((app: App) => ServiceSchema)[];
  /** More gateway routes, e.g. to reach those services. */
  extraRoutes?: Record<string, RouteSpec>;
}

/** Event streams never finish on their own; a graceful stop ends them first instead of waiting out its timeout. */
const endStreamsOnStop = {
  name: "EndStreamsOnStop",
  stopping(broker: ServiceBroker): Promise<void> {
    for (const service of broker.services) (service as unknown as { endStreams?: () => void }).endStreams?.();
    return Promise.resolve();
  },
};

export interface HospitalNode {
  app: App;
  broker: ServiceBroker;
  stop(): Promise<void>;
}

export async function createNode(config: AppConfig, options: NodeOptions = {}): Promise<HospitalNode> {
  const unknown = config.services.filter((s) => !SERVICE_NAMES.includes(s));
  if (unknown.length > 0) throw new Error(`SERVICES names unknown services: ${unknown.join(", ")}`);

  const broker = new ServiceBroker(
    brokerOptions(config, { middlewares: [endStreamsOnStop, databaseErrorsMiddleware()], ...options.broker }),
  );
  const sequelize = openDatabase(config.dbUrl);
  await tuneDatabase(sequelize);
  const applied = await migrate(sequelize);
  if (applied.length > 0) broker.logger.info(`Applied migrations: ${applied.join(", ")}`);

  const clock = options.clock ?? systemClock();
  const app: App = {
    config,
    sequelize,
    models: defineModels(sequelize),
    jwtSecret: resolveJwtSecret(config, (msg) => broker.logger.warn(msg)),
    clock,
    now: () => new Date(clock.now()),
  };
  const names = config.services.length > 0 ? config.services : SERVICE_NAMES;
  for (const name of names) {
    broker.createService(
      withOwnParamRules(name === "api" ? apiService(app, options.extraRoutes) : SERVICE_FACTORIES[name](app)),
    );
  }
  for (const factory of options.extraServices ?? []) broker.createService(withOwnParamRules(factory(app)));

  return {
    app,
    broker,
    async stop() {
      await broker.stop();
      await sequelize.close();
    },
  };
}
