/**
 * Daily settlement on MariaDB: the product's batch (keyset chunks of
 * hospitals, aggregated in the database, one multi-row upsert and checkpoint
 * per chunk) against a naive row-at-a-time job, side by side in one run. The
 * naive job runs on a sample and is extrapolated, and the output says so.
 *
 *   npm run bench:settlement -- --payments 1000000
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import { openDatabase } from "../platform/db/database";
import { migrate } from "../platform/db/migrate";
import { addDays } from "../platform/time";
import { insertPaymentHistory } from "../services/settlement/payment-history";
import { settleDate } from "../services/settlement/settlement-batch";
import { createNaiveTable, naiveSettle } from "./alternatives/naive-settlement";
import { processMicros } from "./support/cpu";
import { parseSettlementFlags } from "./support/settlement-flags";
import type { SettlementFlags } from "./support/settlement-flags";
import { dropDatabase, recreateDatabase } from "./support/seed";

const FIRST_DAY = "2026-11-01";
const TARGET_SECONDS = 20;
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits });

async function main(): Promise<void> {
  const flags = parseSettlementFlags(process.argv.slice(2));
  console.log(`$ ${path.relative(process.cwd(), process.argv[1])} ${process.argv.slice(2).join(" ")}`.trim());
  console.log(
    `  = npm run bench:settlement -- --payments ${flags.payments} --hospitals ${flags.hospitals} --days ${flags.days} ` +
      `--sample ${flags.sample} --chunk ${flags.chunkSize}`,
  );
  console.log(
    `  machine: ${os.cpus().length} CPUs, 1-min load average ${os.loadavg()[0].toFixed(2)} at start`,
  );
  const dbUrl = await recreateDatabase(flags.mysqlUrl, flags.database);
  const sequelize = openDatabase(dbUrl, { poolMax: 4 });
  try {
    const [{ version }] = await sequelize.query<{ version: string }>("SELECT VERSION() AS version", {
      type: QueryTypes.SELECT,
    });
    console.log(`  database: MariaDB ${version}, fresh database ${flags.database}\n`);
    await migrate(sequelize);
    const dates = Array.from({ length: flags.days }, (_, i) => addDays(FIRST_DAY, i));
    await seedHistory(sequelize, flags, dates);
    await runBoth(sequelize, flags, dates);
  } finally {
    await sequelize.close();
    if (!flags.keep) await dropDatabase(flags.mysqlUrl, flags.database);
    else console.log(`\n(kept database ${flags.database}: DB_URL=${dbUrl})`);
  }
}

async function seedHistory(sequelize: Sequelize, flags: SettlementFlags, dates: string[]): Promise<void> {
  const started = performance.now();
  const written = await insertPaymentHistory(sequelize, {
    hospitalIds: Array.from({ length: flags.hospitals }, (_, i) => i + 1),
    dates,
    count: flags.payments,
    seed: 20261125,
    batchSize: 5000,
    onProgress: (done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\r  seeding ${done}/${total} payments`);
    },
  });
  if (process.stderr.isTTY) process.stderr.write("\n");
  const settled = await count(sequelize, "SELECT COUNT(*) AS n FROM payments WHERE settle_date IS NOT NULL");
  console.log(
    `seeded ${fmt(written.payments)} payments (${fmt(settled)} paid or refunded, the rest declined/expired) and ` +
      `${fmt(written.refunds)} refunds over ${fmt(flags.hospitals)} hospitals and ${flags.days} days ` +
      `(${dates[0]}..${dates[dates.length - 1]}) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
  await sequelize.query("ANALYZE TABLE payments, refunds");
}

async function runBoth(sequelize: Sequelize, flags: SettlementFlags, dates: string[]): Promise<void> {
  const dbPid = await databasePid(sequelize);
  // (a) the product: every day of the history, as the daily job and `npm run settle` run it.
  const cpuBefore = processMicros(dbPid);
  const started = performance.now();
  let hospitalRows = 0;
  let chunks = 0;
  for (const date of dates) {
    const result = await settleDate(sequelize, date, { chunkSize: flags.chunkSize });
    hospitalRows += result.written;
    chunks += result.chunks;
  }
  const batchSeconds = (performance.now() - started) / 1000;
  const dbShare = (100 * (processMicros(dbPid) - cpuBefore)) / 1e6 / batchSeconds;

  // The batch's rows against one plain aggregate over the same payments.
  const written = await count(sequelize, "SELECT SUM(payments) AS n FROM settlements");
  const expected = await count(
    sequelize,
    "SELECT COUNT(*) AS n FROM payments WHERE settle_date IS NOT NULL AND status IN ('paid', 'refunded')",
  );
  // Rates count settled payments (paid or refunded): the rows either design must add up.
  const batchRate = expected / batchSeconds;
  const netSum = await count(sequelize, "SELECT SUM(net) AS n FROM settlements");
  const netExpected =
    (await count(
      sequelize,
      "SELECT SUM(gross - discount - pg_fee) AS n FROM payments WHERE status IN ('paid', 'refunded') AND settle_date IS NOT NULL",
    )) -
    (await count(
      sequelize,
      `SELECT SUM(amount) AS n FROM refunds WHERE settle_date <= '${dates[dates.length - 1]}'`,
    ));

  // Idempotence: a second run of a day leaves every row as it was.
  const checksum = () =>
    count(
      sequelize,
      "SELECT SUM(CRC32(CONCAT_WS(',', hospital_id, date, payments, gross, refunds, discounts, pg_fees, net, settled_at))) AS n FROM settlements",
    );
  const before = await checksum();
  const rerunStarted = performance.now();
  await settleDate(sequelize, dates[0], { chunkSize: flags.chunkSize });
  const rerunSeconds = (performance.now() - rerunStarted) / 1000;
  const unchanged = before === (await checksum());

  // (b) naive: row at a time, on a sample of the first day, extrapolated.
  await createNaiveTable(sequelize);
  const naiveStarted = performance.now();
  const sampled = await naiveSettle(sequelize, dates[0], flags.sample);
  const naiveSeconds = (performance.now() - naiveStarted) / 1000;
  const naiveRate = sampled / naiveSeconds;

  const row = (label: string, rows: string, seconds: string, rate: number, note: string) =>
    console.log(
      `${label.padEnd(44)} ${rows.padStart(11)} ${seconds.padStart(10)} ${fmt(rate).padStart(10)}  ${note}`,
    );
  console.log(
    `${"design".padEnd(44)} ${"settled".padStart(11)} ${"time".padStart(10)} ${"rows/s".padStart(10)}`,
  );
  row(
    `(a) chunked batch, ${flags.chunkSize} hospitals/chunk`,
    fmt(expected),
    `${batchSeconds.toFixed(2)} s`,
    batchRate,
    `measured: ${flags.days} days, ${fmt(chunks)} chunks, ${fmt(hospitalRows)} hospital-day rows`,
  );
  row(
    "(b) naive, one payment at a time",
    fmt(sampled),
    `${naiveSeconds.toFixed(2)} s`,
    naiveRate,
    `measured on a sample of ${fmt(sampled)} payments of ${dates[0]}`,
  );
  const naiveAllSeconds = expected / naiveRate;
  row(
    "(b) naive, extrapolated to the same payments",
    fmt(expected),
    `${naiveAllSeconds.toFixed(0)} s`,
    naiveRate,
    "EXTRAPOLATED from the sample (not run); refunds not counted",
  );
  console.log(
    `\nratio: the batch is ${fmt(naiveAllSeconds / batchSeconds, 1)}× faster than the naive job ` +
      `(${fmt(batchRate)} vs ${fmt(naiveRate)} settled payments/s)`,
  );
  console.log(
    `target: ${fmt(flags.payments)} payments (${fmt(expected)} of them settled) in ≤ ${TARGET_SECONDS} s → ` +
      `${batchSeconds.toFixed(2)} s ` +
      `${batchSeconds <= TARGET_SECONDS ? "MET" : "MISSED"} (MariaDB used ${dbShare.toFixed(0)} % of a core during (a))`,
  );
  console.log(
    `checks: settled payments ${fmt(written)} = ${fmt(expected)} in payments ${written === expected ? "✓" : "✗"}; ` +
      `net ${fmt(netSum)} = gross − discounts − fees − refunds ${netSum === netExpected ? "✓" : "✗"}; ` +
      `re-run of ${dates[0]} in ${rerunSeconds.toFixed(2)} s left every row as it was ${unchanged ? "✓" : "✗"}`,
  );
  if (written !== expected || netSum !== netExpected || !unchanged) process.exitCode = 1;
}

async function count(sequelize: Sequelize, sql: string): Promise<number> {
  const [row] = await sequelize.query<{ n: unknown }>(sql, { type: QueryTypes.SELECT });
  return Number(row.n ?? 0);
}

async function databasePid(sequelize: Sequelize): Promise<number | null> {
  const [row] = await sequelize.query<{ file: string }>("SELECT @@pid_file AS file", {
    type: QueryTypes.SELECT,
  });
  try {
    const pid = Number(fs.readFileSync(row.file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
