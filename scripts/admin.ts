/**
 * The platform admin's console: a service-less node that joins the cluster
 * (same TRANSPORTER and NAMESPACE) and offers the admin commands in the
 * Moleculer REPL, or runs one and exits: `npm run admin -- days`.
 * In embedded mode there is no cluster to join: the running node (npm start
 * in a terminal) offers the same REPL itself.
 */
import crypto from "node:crypto";
import { ServiceBroker } from "moleculer";
import { brokerOptions } from "../moleculer.config";
import { loadConfig } from "../platform/config";
import { replCommands, runAdminCommand } from "../services/admin/admin-commands";

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.transporter) {
    console.error(
      "No TRANSPORTER: in embedded mode, use the REPL of the running node (npm start in a terminal).",
    );
    process.exit(2);
  }
  const broker = new ServiceBroker(
    brokerOptions(
      { ...config, nodeId: `admin-${crypto.randomBytes(3).toString("hex")}`, metricsPort: 0 },
      {
        logger: { type: "Console", options: { level: "warn" } },
        replOptions: { customCommands: replCommands(), delimiter: "hre $" } as never,
      },
    ),
  );
  await broker.start();
  // Peers answer this node's discovery within moments: wait for the first, then a little for the rest.
  await broker.waitForServices(["day"], 10_000).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const argv = process.argv.slice(2);
  if (argv.length === 0) {
    broker.repl();
    return;
  }
  try {
    console.log(await runAdminCommand(broker, argv));
  } finally {
    await broker.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
