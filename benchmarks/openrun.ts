/**
 * An open run (오픈런): thousands of parents booking one paediatrician's 100
 * seats within a few seconds, against a server without admission control and
 * one with it (API.md "Open-run admission"), side by side in one run, and
 * the same crowd on the no-op route (the gateway's ceiling: a token check, a
 * body and a 201, no booking).
 *
 *   npm run bench:openrun -- --patients 20000 --seconds 5
 *
 * Patient i arrives at i × seconds / patients, so arrival order is known:
 * fairness is how many seats went to the first 1,000 arrivals.
 */
import crypto from "node:crypto";
import http from "node:http";
import os from "node:os";
import { performance } from "node:perf_hooks";
import type { Sequelize } from "sequelize";
import { QueryTypes } from "sequelize";
import { openDatabase } from "../platform/db/database";
import { migrate } from "../platform/db/migrate";
import { defineModels } from "../platform/db/models";
import { insertPatientAccounts, patientClaims, selfPatientsOf } from "../scripts/demo/patients";
import { signToken } from "../services/accounts/tokens";
import { parseOpenRunFlags } from "./openrun/flags";
import type { OpenRunFlags, OpenRunMode } from "./openrun/flags";
import { openRunPatient } from "./openrun/patient";
import type { Client, Final } from "./openrun/patient";
import { printOpenRun } from "./openrun/report";
import type { RunResult } from "./openrun/report";
import { dayAhead } from "./support/layout";
import { dropDatabase, recreateDatabase } from "./support/seed";
import { startServer } from "./support/server-handle";

/** 10 slots of 10 seats: the paediatrician's 100. */
const STARTS = ["09:00", "09:10", "09:20", "09:30", "09:40", "09:50", "10:00", "10:10", "10:20", "10:30"];
const SEATS_PER_SLOT = 10;
const WARMUP_BOOKINGS = 2000;
const WARMUP_GROUP = 20;

async function createClinic(
  sequelize: Sequelize,
  label: string,
): Promise<{ hospitalId: number; doctorId: number }> {
  const { Hospital, Doctor } = defineModels(sequelize);
  const week = [1, 2, 3, 4, 5, 6, 7] as const;
  const hospital = await Hospital.create({
    name: `오픈런소아과 ${label}`,
    address: "서울특별시 송파구 올림픽로 300",
    district: "송파구",
    lat: 37.51,
    lng: 127.1,
    phone: "02-000-0001",
    departments: ["소아청소년과"],
    openingHours: week.map((weekday) => ({ weekday, start: "09:00", end: "18:00" })),
    holidays: [],
    closesOnPublicHolidays: false,
    timeZone: "Asia/Seoul",
    bookingHorizonDays: 30,
  });
  const doctor = await Doctor.create({
    hospitalId: hospital.id,
    name: "인기의사",
    department: "소아청소년과",
    sessions: week.map((weekday) => ({
      weekday,
      start: "09:00",
      end: "10:40",
      slotMinutes: 10,
      capacity: SEATS_PER_SLOT,
    })),
    leaveDays: [],
  });
  return { hospitalId: hospital.id, doctorId: doctor.id };
}

async function run(
  flags: OpenRunFlags,
  mode: OpenRunMode,
  setup: {
    dbUrl: string;
    jwtSecret: string;
    tokens: string[];
    sequelize: Sequelize;
    date: string;
    warmDate: string;
  },
): Promise<RunResult> {
  const admission = mode === "on";
  const clinic = await createClinic(setup.sequelize, mode);
  const server = await startServer(
    {
      dbUrl: setup.dbUrl,
      redisUrl: flags.redisUrl,
      jwtSecret: setup.jwtSecret,
      admission,
      namespace: `openrun${process.pid}${mode}`,
      ...(flags.actorBatch === null ? {} : { actorMaxBatch: flags.actorBatch }),
    },
    { profileDir: flags.profileDir },
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: flags.sockets });
  const body = (i: number, date: string) =>
    JSON.stringify({ ...clinic, date, start: STARTS[i % STARTS.length] });
  try {
    const bookPath = mode === "noop" ? "/api/v1/bench/noop" : "/api/v1/appointments";
    const warm: Client = {
      agent,
      baseUrl: new URL(server.baseUrl),
      timeoutMs: flags.timeoutMs,
      bookPath,
      answers: [],
    };
    // Warm-up on another day, a few at a time: JIT and pools warm, as on a server that has been
    // answering all morning (300 calm bookings left the first second of the crowd to cold code).
    for (let i = 0; i < WARMUP_BOOKINGS; i += WARMUP_GROUP) {
      await Promise.all(
        Array.from({ length: WARMUP_GROUP }, (_, k) =>
          openRunPatient(warm, setup.tokens[flags.patients + i + k], body(i + k, setup.warmDate)),
        ),
      );
    }
    const client: Client = {
      agent,
      baseUrl: new URL(server.baseUrl),
      timeoutMs: flags.timeoutMs,
      bookPath,
      answers: [],
    };
    const finals: Final[] = new Array<Final>(flags.patients);
    const cpuBefore = await server.cpuMicros();
    const gapMs = (flags.seconds * 1000) / flags.patients;
    const began = performance.now();
    const parents: Promise<void>[] = [];
    for (let i = 0; i < flags.patients; i++) {
      // Arrive on schedule: sleep only when ahead of it, so a busy loop here does not reorder arrivals.
      const due = began + i * gapMs;
      const ahead = due - performance.now();
      if (ahead > 1) await new Promise((resolve) => setTimeout(resolve, ahead));
      parents.push(
        openRunPatient(client, setup.tokens[i], body(i, setup.date)).then((f) => void (finals[i] = f)),
      );
    }
    const arrivedMs = performance.now() - began;
    await Promise.all(parents);
    const doneMs = performance.now() - began;
    const cpuMicros = (await server.cpuMicros()) - cpuBefore;
    const [row] = await setup.sequelize.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM appointments WHERE hospital_id = ? AND date = ? AND status IN ('booked', 'pending')",
      { replacements: [clinic.hospitalId, setup.date], type: QueryTypes.SELECT },
    );
    return { mode, finals, answers: client.answers, arrivedMs, doneMs, cpuMicros, soldInDb: Number(row.n) };
  } finally {
    agent.destroy();
    await server.stop();
    console.log(`  server log (${mode}):`);
    console.log(server.log.digest().join("\n") || "    (nothing)");
  }
}

async function main(): Promise<void> {
  const flags = parseOpenRunFlags(process.argv.slice(2));
  const now = new Date();
  const [date, warmDate] = [dayAhead(now, 9), dayAhead(now, 10)];
  console.log(
    `$ npm run bench:openrun -- --patients ${flags.patients} --seconds ${flags.seconds} --sockets ${flags.sockets} ` +
      `--timeout ${flags.timeoutMs} --modes ${flags.modes.join(",")}` +
      (flags.actorBatch === null ? "" : ` --actor-batch ${flags.actorBatch}`),
  );
  console.log(
    `  machine: ${os.cpus().length} CPUs, 1-min load average ${os.loadavg()[0].toFixed(2)} at start`,
  );
  console.log(
    `  ${flags.patients} parents arrive evenly over ${flags.seconds} s for one doctor's ${STARTS.length * SEATS_PER_SLOT} seats ` +
      `(${STARTS.length} slots × ${SEATS_PER_SLOT}) on ${date}; a parent gives up on an answer after ${flags.timeoutMs} ms\n`,
  );
  const dbUrl = await recreateDatabase(flags.mysqlUrl, flags.database);
  const sequelize = openDatabase(dbUrl, { poolMax: 4 });
  try {
    await migrate(sequelize);
    const jwtSecret = crypto.randomBytes(32).toString("hex");
    const ids = await insertPatientAccounts(sequelize, flags.patients + WARMUP_BOOKINGS, "openrun");
    const accounts = await selfPatientsOf(sequelize, ids);
    const tokens = accounts.map((account) => signToken(patientClaims(account), jwtSecret, 3600));
    const results: RunResult[] = [];
    for (const mode of flags.modes) {
      const result = await run(flags, mode, { dbUrl, jwtSecret, tokens, sequelize, date, warmDate });
      console.log(`  ran ${mode} in ${(result.doneMs / 1000).toFixed(1)} s`);
      results.push(result);
    }
    console.log();
    printOpenRun(results, flags);
  } finally {
    await sequelize.close();
    await dropDatabase(flags.mysqlUrl, flags.database);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
