/**
 * npm run seed -- [--hospitals N] [--seed S] [--reset]
 * Loads deterministic demo data into DB_URL's database (migrating it first).
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../platform/config";
import { openDatabase, tuneDatabase } from "../platform/db/database";
import { migrate } from "../platform/db/migrate";
import { isDatabaseEmpty, loadDemoData } from "./demo/load";
import { localMoment } from "../platform/time";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hospitals: { type: "string", default: "200" },
      seed: { type: "string", default: "1" },
      reset: { type: "boolean", default: false },
    },
  });
  const hospitals = Number(values.hospitals);
  const seed = Number(values.seed);
  if (!Number.isInteger(hospitals) || hospitals < 1 || hospitals > 1_000_000)
    throw new Error("--hospitals must be 1..1000000");
  if (!Number.isInteger(seed)) throw new Error("--seed must be an integer");

  const config = loadConfig();
  const sequelize = openDatabase(config.dbUrl, { poolMax: 4 });
  await tuneDatabase(sequelize);
  if (values.reset) {
    await sequelize.getQueryInterface().dropAllTables();
  }
  await migrate(sequelize);
  if (!(await isDatabaseEmpty(sequelize))) {
    throw new Error("The database already holds hospitals; run with --reset to replace them.");
  }
  const started = Date.now();
  const tty = process.stderr.isTTY;
  const result = await loadDemoData(sequelize, {
    hospitals,
    seed,
    baseDate: localMoment(new Date(), "Asia/Seoul").date,
    password: config.demoPassword,
    onProgress: (done, total) => {
      if (!tty) return;
      const width = 30;
      const filled = Math.round((done / total) * width);
      process.stderr.write(
        `\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total} hospitals`,
      );
    },
  });
  if (tty) process.stderr.write("\n");
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `Seeded ${result.hospitals} hospitals, ${result.doctors} doctors, ${result.users} accounts in ${seconds}s`,
  );
  await sequelize.close();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
