/**
 * The embedded default (SQLite, one writer) beside MariaDB on the same node:
 * a no-op ceiling through the gateway, availability of cold hospital-days
 * (each read activates a day actor), and bookings spread over many
 * doctor-days, side by side in one run.
 *
 *   npm run bench:embedded -- --connections 32 --hospitals 40 --days 25
 *
 * The server runs in a child process; this process only generates load.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import type { Sequelize } from "sequelize";
import { openDatabase, tuneDatabase } from "../platform/db/database";
import { migrate } from "../platform/db/migrate";
import { defineModels } from "../platform/db/models";
import { insertPatientAccounts, patientClaims, selfPatientsOf } from "../scripts/demo/patients";
import { signToken } from "../services/accounts/tokens";
import { dayAhead } from "./support/layout";
import type { LoadResult, Shot } from "./support/load";
import { quantile, runLoad } from "./support/load";
import { HELP, flagChecks } from "./support/flag-checks";
import { dropDatabase, recreateDatabase } from "./support/seed";
import { startServer } from "./support/server-handle";

const MYSQL_URL = "mysql://root@127.0.0.1:3306";
const REDIS_URL = "redis://127.0.0.1:6379";
const DATABASE = "hre_bench_embedded";
const WEEK = [1, 2, 3, 4, 5, 6, 7] as const;
const STARTS = Array.from(
  { length: 18 },
  (_, i) => `${String(9 + Math.floor(i / 2)).padStart(2, "0")}:${i % 2 ? "30" : "00"}`,
);

interface Flags {
  connections: number;
  hospitals: number;
  days: number;
}

interface Row {
  backend: string;
  phase: string;
  load: LoadResult;
}

function parseFlags(argv: string[]): Flags {
  const { values } = parseArgs({
    args: argv,
    options: {
      connections: { type: "string", default: "32" },
      hospitals: { type: "string", default: "40" },
      days: { type: "string", default: "25" },
      ...HELP,
    },
    strict: true,
  });
  const check = flagChecks(
    "Usage: npm run bench:embedded -- [--connections 32] [--hospitals 40] [--days 25]",
    values.help,
  );
  return check.done({
    connections: check.number("connections", values.connections, 1, 1024),
    hospitals: check.number("hospitals", values.hospitals, 1, 1000),
    days: check.number("days", values.days, 1, 28),
  });
}

/** Hospitals open every day 09:00–18:00 with one doctor each (30-minute slots of 2), and patients. */
async function seed(sequelize: Sequelize, flags: Flags, patients: number) {
  await migrate(sequelize);
  const { Hospital, Doctor } = defineModels(sequelize);
  const doctors: { hospitalId: number; doctorId: number }[] = [];
  for (let h = 0; h < flags.hospitals; h++) {
    const hospital = await Hospital.create({
      name: `임베디드벤치병원 ${h}`,
      address: "서울특별시 중구 세종대로 110",
      district: "중구",
      lat: 37.566,
      lng: 126.978,
      phone: "02-000-0000",
      departments: ["내과"],
      openingHours: WEEK.map((weekday) => ({ weekday, start: "09:00", end: "18:00" })),
      holidays: [],
      closesOnPublicHolidays: false,
      timeZone: "Asia/Seoul",
      bookingHorizonDays: 30,
    });
    const doctor = await Doctor.create({
      hospitalId: hospital.id,
      name: "김의사",
      department: "내과",
      sessions: WEEK.map((weekday) => ({
        weekday,
        start: "09:00",
        end: "18:00",
        slotMinutes: 30,
        capacity: 2,
      })),
      leaveDays: [],
    });
    doctors.push({ hospitalId: hospital.id, doctorId: doctor.id });
  }
  const accountIds = await insertPatientAccounts(sequelize, patients, "bench-embedded");
  return { doctors, accountIds };
}

/** Closed-loop GETs, `connections` in flight, one result shape with the POST loader. */
async function runGets(baseUrl: string, paths: string[], connections: number): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const result: LoadResult = {
    elapsedMs: 0,
    latenciesMs: new Float64Array(paths.length),
    statuses: new Map(),
    errors: new Map(),
    samples: new Map(),
  };
  let next = 0;
  const get = (url: string) =>
    new Promise<{ status: number; body: string }>((resolve) => {
      const request = http.get(url, { agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (c: Buffer) => chunks.push(c));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      });
      request.on("error", (err) => resolve({ status: 0, body: err.message }));
    });
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      const began = performance.now();
      const answer = await get(`${baseUrl}${paths[i]}`);
      result.latenciesMs[i] = performance.now() - began;
      result.statuses.set(answer.status, (result.statuses.get(answer.status) ?? 0) + 1);
      if (answer.status !== 200 && !result.samples.has(String(answer.status)))
        result.samples.set(String(answer.status), answer.body.slice(0, 200));
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: Math.min(connections, paths.length) }, worker));
  result.elapsedMs = performance.now() - began;
  agent.destroy();
  return result;
}

async function benchBackend(backend: string, dbUrl: string, flags: Flags): Promise<Row[]> {
  const dates = Array.from({ length: flags.days }, (_, d) => dayAhead(new Date(), d + 1));
  const bookingsCount = flags.hospitals * flags.days;
  const noopCount = bookingsCount;
  const sequelize = openDatabase(dbUrl, { poolMax: 4 });
  await tuneDatabase(sequelize);
  const { seeded, accounts } = await seed(sequelize, flags, bookingsCount + noopCount)
    .then(async (seeded) => ({ seeded, accounts: await selfPatientsOf(sequelize, seeded.accountIds) }))
    .finally(() => sequelize.close());
  const jwtSecret = crypto.randomBytes(32).toString("hex");
  const tokens = accounts.map((account) => signToken(patientClaims(account), jwtSecret, 3600));
  const shot = (i: number, token: string): Shot => {
    const { hospitalId, doctorId } = seeded.doctors[i % flags.hospitals];
    const date = dates[Math.floor(i / flags.hospitals) % dates.length];
    return { token, body: JSON.stringify({ hospitalId, doctorId, date, start: STARTS[i % STARTS.length] }) };
  };
  const reads = seeded.doctors.flatMap(({ hospitalId }) =>
    dates.map((date) => `/api/v1/hospitals/${hospitalId}/availability?date=${date}`),
  );

  const server = await startServer({ dbUrl, redisUrl: REDIS_URL, jwtSecret }, { profileDir: null });
  try {
    const noop = await runLoad(
      server.baseUrl,
      "/api/v1/bench/noop",
      tokens.slice(bookingsCount).map((t, i) => shot(i, t)),
      flags.connections,
    );
    const cold = await runGets(server.baseUrl, reads, flags.connections);
    // The bookings land on days the reads left warm; a second set of days would double the seeding.
    const bookings = await runLoad(
      server.baseUrl,
      "/api/v1/appointments",
      tokens.slice(0, bookingsCount).map((t, i) => shot(i, t)),
      flags.connections,
    );
    const warm = await runGets(server.baseUrl, reads, flags.connections);
    return [
      { backend, phase: "no-op POST (ceiling)", load: noop },
      { backend, phase: "availability, cold days", load: cold },
      { backend, phase: "bookings, many days", load: bookings },
      { backend, phase: "availability, warm days", load: warm },
    ];
  } finally {
    await server.stop();
  }
}

function printTable(rows: Row[], connections: number): void {
  const header = ["backend", "phase", "n", "req/s", "200", "201", "409", "5xx", "other", "p50 ms", "p99 ms"];
  const lines = rows.map(({ backend, phase, load }) => {
    const sorted = load.latenciesMs.slice().sort();
    const count = (s: number) => load.statuses.get(s) ?? 0;
    const fivexx = [...load.statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    const n = load.latenciesMs.length;
    return [
      backend,
      phase,
      String(n),
      (n / (load.elapsedMs / 1000)).toFixed(0),
      String(count(200)),
      String(count(201)),
      String(count(409)),
      String(fivexx),
      String(n - count(200) - count(201) - count(409) - fivexx),
      quantile(sorted, 0.5).toFixed(1),
      quantile(sorted, 0.99).toFixed(1),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const format = (cells: string[]) =>
    cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  console.log(`closed loop, ${connections} connections\n`);
  console.log(format(header));
  for (const line of lines) console.log(format(line));
  const rate = (backend: string, phase: string) => {
    const row = rows.find((r) => r.backend === backend && r.phase === phase);
    return row ? row.load.latenciesMs.length / (row.load.elapsedMs / 1000) : NaN;
  };
  console.log("\nSQLite / MariaDB throughput:");
  for (const phase of new Set(rows.map((r) => r.phase)))
    console.log(
      `  ${phase.padEnd(widths[1])}  ${(rate("sqlite", phase) / rate("mariadb", phase)).toFixed(2)}x`,
    );
  for (const row of rows)
    for (const [status, sample] of row.load.samples)
      console.log(`  ${row.backend} ${row.phase}: ${status} e.g. ${sample}`);
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  console.log(
    `$ npm run bench:embedded -- --connections ${flags.connections} --hospitals ${flags.hospitals} --days ${flags.days}`,
  );
  console.log(
    `  machine: ${os.cpus().length} CPUs, 1-min load average ${os.loadavg()[0].toFixed(2)} at start`,
  );
  console.log(
    `  ${flags.hospitals * flags.days} distinct hospital-days; one booking per doctor-day per pass\n`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hre-bench-"));
  const rows: Row[] = [];
  try {
    rows.push(...(await benchBackend("sqlite", `sqlite:${path.join(dir, "bench.sqlite")}`, flags)));
    console.log("  sqlite done");
    const mariadbUrl = await recreateDatabase(MYSQL_URL, DATABASE);
    try {
      rows.push(...(await benchBackend("mariadb", mariadbUrl, flags)));
      console.log("  mariadb done\n");
    } finally {
      await dropDatabase(MYSQL_URL, DATABASE);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  printTable(rows, flags.connections);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
