/**
 * Starts one node with the services in SERVICES (all by default). In embedded
 * mode an empty database is filled with demo data first. SIGTERM and SIGINT
 * drain in-flight requests (broker tracking) before the process exits.
 */
import { loadConfig } from "./platform/config";
import { isDatabaseEmpty, loadDemoData } from "./scripts/demo/load";
import { createNode } from "./node";
import { replCommands } from "./services/admin/admin-commands";
import { localMoment } from "./platform/time";

async function main(): Promise<void> {
  const config = loadConfig();
  // In embedded mode there is no cluster for `npm run admin` to join: a node started in a terminal offers the REPL itself.
  const repl = config.mode === "embedded" && process.stdin.isTTY;
  const node = await createNode(config, {
    broker: repl ? { replOptions: { customCommands: replCommands(), delimiter: "hre $" } as never } : {},
  });
  const { broker, app } = node;
  if (config.seedOnEmpty && (await isDatabaseEmpty(app.sequelize))) {
    broker.logger.info("Empty database: loading demo data (200 hospitals)…");
    await loadDemoData(app.sequelize, {
      hospitals: 200,
      seed: 1,
      baseDate: localMoment(app.now(), "Asia/Seoul").date,
      password: config.demoPassword,
    });
  }
  await broker.start();
  broker.logger.info(`Ready on http://localhost:${config.port}/api/v1 (${config.mode} mode)`);
  if (repl) broker.repl();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    broker.logger.info(`${signal}: draining in-flight work and stopping…`);
    node.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        broker.logger.error("Unclean stop", err);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
