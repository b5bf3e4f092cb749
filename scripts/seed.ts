/**
 * npm run seed -- [--hospitals N] [--seed S] [--reset] [--payments N]
 * Loads deterministic demo data into DB_URL's database (migrating it first).
 * `--payments N` adds N payments (and their refunds) over the hospitals and
 * the 14 days before today, for settlement; on a database that already holds
 * hospitals it adds only those.
 */
import { parseArgs } from "node:util";
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import { loadConfig } from "../platform/config";
import { openDatabase, tuneDatabase } from "../platform/db/database";
import { migrate } from "../platform/db/migrate";
import { isDatabaseEmpty, loadDemoData } from "./demo/load";
import { addDays, localMoment } from "../platform/time";
import { insertPaymentHistory } from "../services/settlement/payment-history";

const PAYMENT_DAYS = 14;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hospitals: { type: "string", default: "200" },
      seed: { type: "string", default: "1" },
      reset: { type: "boolean", default: false },
      payments: { type: "string", default: "0" },
    },
  });
  const hospitals = Number(values.hospitals);
  const seed = Number(values.seed);
  if (!Number.isInteger(hospitals) || hospitals < 1 || hospitals > 1_000_000)
    throw new Error("--hospitals must be 1..1000000");
  if (!Number.isInteger(seed)) throw new Error("--seed must be an integer");
  const payments = Number(values.payments);
  if (!Number.isInteger(payments) || payments < 0 || payments > 100_000_000)
    throw new Error("--payments must be 0..100000000");

  const config = loadConfig();
  const sequelize = openDatabase(config.dbUrl, { poolMax: 4 });
  await tuneDatabase(sequelize);
  if (values.reset) {
    await sequelize.getQueryInterface().dropAllTables();
  }
  await migrate(sequelize);
  const empty = await isDatabaseEmpty(sequelize);
  if (!empty && payments === 0) {
    throw new Error("The database already holds hospitals; run with --reset to replace them.");
  }
  const today = localMoment(new Date(), "Asia/Seoul").date;
  const tty = process.stderr.isTTY;
  if (empty) await seedDemo(sequelize, { hospitals, seed, today, password: config.demoPassword, tty });
  if (payments > 0) await seedPayments(sequelize, { count: payments, seed, today, tty });
  await sequelize.close();
}

function bar(done: number, total: number, what: string): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total} ${what}`);
}

async function seedDemo(
  sequelize: Sequelize,
  o: { hospitals: number; seed: number; today: string; password: string; tty: boolean },
): Promise<void> {
  const { hospitals, seed, tty } = o;
  const started = Date.now();
  const result = await loadDemoData(sequelize, {
    hospitals,
    seed,
    baseDate: o.today,
    password: o.password,
    onProgress: (done, total) => {
      if (tty) bar(done, total, "hospitals");
    },
  });
  if (tty) process.stderr.write("\n");
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `Seeded ${result.hospitals} hospitals, ${result.doctors} doctors, ${result.users} accounts in ${seconds}s`,
  );
}

/** Payments over every hospital and the days before today (settle dates are Seoul days). */
async function seedPayments(
  sequelize: Sequelize,
  o: { count: number; seed: number; today: string; tty: boolean },
): Promise<void> {
  const started = Date.now();
  const rows = await sequelize.query<{ id: number }>("SELECT id FROM hospitals ORDER BY id", {
    type: QueryTypes.SELECT,
  });
  const dates = Array.from({ length: PAYMENT_DAYS }, (_, i) => addDays(o.today, -PAYMENT_DAYS + i));
  const written = await insertPaymentHistory(sequelize, {
    hospitalIds: rows.map((r) => Number(r.id)),
    dates,
    count: o.count,
    seed: o.seed,
    onProgress: (done, total) => {
      if (o.tty) bar(done, total, "payments");
    },
  });
  if (o.tty) process.stderr.write("\n");
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `Seeded ${written.payments} payments and ${written.refunds} refunds over ${rows.length} hospitals, ` +
      `${dates[0]}..${dates[dates.length - 1]}, in ${seconds}s (settle a day: npm run settle -- --date ${dates[0]})`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
