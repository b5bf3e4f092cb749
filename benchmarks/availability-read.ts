/**
 * Three ways to answer `GET /hospitals/:id/availability?date=` for one
 * hospital-day, side by side in one run on one in-process node (MariaDB,
 * Redis), first with the day idle, then while the same day takes bookings:
 *
 * (a) the Redis copy, as the route reads it: one pipelined HMGET + GET of the
 *     copy's version, validity and the calendar floor on one connection; the
 *     body (about 40 KiB of JSON here) is fetched and parsed only when that
 *     version is new to this reader (it keeps the last one parsed per day);
 *     only when the copy has run out (it holds until the next minute or the
 *     first hold that lapses) does a read go to the actor, as the route would.
 *     Never waits for the actor.
 * (b) the actor, `day.availability`: a sharded broker call that joins the
 *     day's mailbox as a read job. It is answered in the next turn, after the
 *     commands ahead of it — so with bookings arriving it waits for the turn
 *     in progress and the group commit of the one it joins (a MariaDB
 *     transaction) — then runs `dayAvailability` over the in-memory day.
 *     Every 500 ms a read also re-checks the day's commit count (one query).
 * (c) SQL: one GROUP BY over the day's seat-holding appointments, plus the
 *     calendar (hospital, doctors, public holidays: three queries, run beside
 *     it) that a stateless route has to read each time; then the same pure
 *     `dayAvailability` over the counts (alternatives/availability-sql.ts).
 *     (c′) keeps the calendar from the first read and runs only the GROUP BY:
 *     the least the SQL design costs, with a stale calendar as the price.
 * (d) a local no-op action: what the broker call alone costs; (e) a resolved
 *     promise: what this harness alone allows.
 *
 * Each design reads its own day, seeded the same way (`--seeded` bookings),
 * so a busy run's bookings do not grow the day the next design reads. Reads
 * run `--concurrency` at a time; in the busy column `--booking-concurrency`
 * `day.book` calls stay in flight meanwhile, fresh patients round-robin over
 * every doctor and slot (one in four a pending hold), so each turn commits.
 * Loader, node and bookings share this process's one event loop: the no-op
 * rows show how much of a busy column's drop is just that.
 *
 *   npm run bench:availability -- [--reads 3000] [--concurrency 64] [--booking-concurrency 32]
 *
 * Needs MariaDB on 127.0.0.1:3306 (root, no password) and Redis on
 * 127.0.0.1:6379; the run creates and drops its own database and deletes the
 * Redis keys of its namespace.
 */
import crypto from "node:crypto";
import os from "node:os";
import { performance } from "node:perf_hooks";
import Redis from "ioredis";
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import { createNode } from "../node";
import type { HospitalNode } from "../node";
import { loadConfig } from "../platform/config";
import type { DoctorAvailability } from "../services/day/decisions/availability";
import { dayKeyOf } from "../services/day/day-key";
import { availabilityReadService } from "./alternatives/availability-read.service";
import type { CopyStats } from "./alternatives/availability-read.service";
import type { AvailabilityFlags as Flags } from "./support/availability-flags";
import { parseAvailabilityFlags } from "./support/availability-flags";
import type { MethodResult } from "./support/availability-report";
import { disagreements, printAvailabilityTable } from "./support/availability-report";
import type { BookingShot, CallRun } from "./support/call-load";
import { runCalls, startBookings, summarizeCalls } from "./support/call-load";
import type { Layout } from "./support/layout";
import { DOCTORS_PER_HOSPITAL, dayAhead, layoutFor } from "./support/layout";
import { deleteKeys } from "./support/redis-keys";
import { dropDatabase, recreateDatabase, seed } from "./support/seed";
import { VARIANTS } from "./support/variants";

interface Method {
  key: string;
  label: string;
  /** The action that answers, or none for the bare harness. */
  action: string | null;
}

const METHODS: readonly Method[] = [
  { key: "a", label: "Redis copy (the route)", action: "benchAvailability.copy" },
  { key: "b", label: "actor (day.availability)", action: "day.availability" },
  { key: "c", label: "SQL GROUP BY + calendar", action: "benchAvailability.sql" },
  { key: "c′", label: "SQL GROUP BY, calendar held", action: "benchAvailability.sqlCachedCalendar" },
  { key: "d", label: "no-op action", action: "benchAvailability.noop" },
  { key: "e", label: "resolved promise", action: null },
];
/** One booking in this many is a pending hold, so the SQL's live-hold branch counts too. */
const HOLD_EVERY = 4;
const HOLD_SECONDS = 900;
const PARSE_ROUNDS = 200;

interface Bench {
  flags: Flags;
  node: HospitalNode;
  hospitalId: number;
  /** Each method's own day, in METHODS order. */
  dates: string[];
  shots: BookingShot[];
  stats: CopyStats;
}

/** Fresh patients round-robin over every doctor and slot; each day gets the same sequence. */
function bookingShots(
  layout: Layout,
  doctorIds: number[],
  patients: { id: number; accountId: number }[],
): BookingShot[] {
  return patients.map((p, i) => ({
    doctorId: doctorIds[i % doctorIds.length],
    start: layout.starts[Math.floor(i / doctorIds.length) % layout.starts.length],
    patientId: p.id,
    accountId: p.accountId,
    ...(i % HOLD_EVERY === HOLD_EVERY - 1 ? { holdSeconds: HOLD_SECONDS } : {}),
  }));
}

async function selfPatients(sequelize: Sequelize, accountIds: number[]) {
  const rows = await sequelize.query<{ id: number; account_id: number }>(
    "SELECT id, account_id FROM patients WHERE relation = 'self' ORDER BY account_id",
    { type: QueryTypes.SELECT },
  );
  const byAccount = new Map(rows.map((r) => [Number(r.account_id), Number(r.id)]));
  return accountIds.map((accountId) => ({ id: byAccount.get(accountId) ?? 0, accountId }));
}

function readOnce(bench: Bench, method: Method, date: string): Promise<unknown> {
  if (!method.action) return Promise.resolve();
  const day = { hospitalId: bench.hospitalId, date };
  const params = method.action === "day.availability" ? { dayKey: dayKeyOf(day.hospitalId, date) } : day;
  return bench.node.broker.call(method.action, params);
}

/** The method's warm-up and measured reads; `busy` keeps bookings going on the same day meanwhile. */
async function measure(bench: Bench, method: Method, date: string, busy: boolean) {
  const { flags, stats } = bench;
  const read = () => readOnce(bench, method, date);
  await runCalls(flags.warmup, flags.concurrency, read);
  const stream = busy
    ? startBookings(
        bench.node.broker,
        dayKeyOf(bench.hospitalId, date),
        bench.shots.slice(flags.seeded),
        flags.bookingConcurrency,
      )
    : null;
  const before: [number, number] = [stats.hits, stats.misses];
  const run: CallRun = await runCalls(flags.reads, flags.concurrency, read);
  const bookings = await stream?.stop();
  const copied: [number, number] = [stats.hits - before[0], stats.misses - before[1]];
  const s = summarizeCalls(run);
  console.error(
    `  [${process.uptime().toFixed(0)} s] (${method.key}) ${busy ? "busy" : "idle"}: ${s.perSec.toFixed(0)} reads/s` +
      (bookings ? `, ${bookings.booked} booked beside them` : ""),
  );
  return { run, bookings, copied };
}

async function runAll(bench: Bench): Promise<MethodResult[]> {
  const idle = [];
  for (const [i, method] of METHODS.entries()) idle.push(await measure(bench, method, bench.dates[i], false));
  const results: MethodResult[] = [];
  for (const [i, method] of METHODS.entries()) {
    const busy = await measure(bench, method, bench.dates[i], true);
    results.push({
      key: method.key,
      label: method.label,
      idle: idle[i].run,
      busy: busy.run,
      bookings: busy.bookings ?? { elapsedMs: 1, booked: 0, refused: new Map(), ranDry: false },
      ...(method.key === "a" ? { copy: { idle: idle[i].copied, busy: busy.copied } } : {}),
    });
  }
  return results;
}

/** (a), (b) and (c) on (a)'s day, which has just taken its bookings: the same seats booked in every slot? */
async function checkAnswers(bench: Bench): Promise<void> {
  const day = { hospitalId: bench.hospitalId, date: bench.dates[0] };
  const answers: Record<string, DoctorAvailability[]> = {};
  for (const method of METHODS.slice(0, 3)) {
    const answer = (await readOnce(bench, method, day.date)) as { doctors: DoctorAvailability[] };
    answers[method.key] = answer.doctors;
  }
  const differ = disagreements(answers);
  const slots = answers.b.flatMap((d) => d.slots);
  const seats = slots.reduce((sum, s) => sum + s.booked, 0);
  console.log(
    `\nanswers agree: ${differ.length === 0 ? "yes" : "no"} ` +
      `((a), (b), (c) on ${day.date}: ${slots.length} slots, ${seats} seats booked)`,
  );
  for (const line of differ.slice(0, 10)) console.log(`  ${line}`);
  const body = JSON.stringify(answers.a);
  const began = performance.now();
  for (let i = 0; i < PARSE_ROUNDS; i++) JSON.parse(body);
  const parseMs = (performance.now() - began) / PARSE_ROUNDS;
  console.log(
    `the copy's body: ${(body.length / 1024).toFixed(0)} KiB of JSON, ${parseMs.toFixed(3)} ms to parse, once per new version for each reader of (a)`,
  );
}

async function main(): Promise<void> {
  const flags = parseAvailabilityFlags(process.argv.slice(2));
  const layout = layoutFor(flags.patients);
  const now = new Date();
  const dates = METHODS.map((_, i) => dayAhead(now, 7 + i));
  const namespace = `hre-bench-availability-${process.pid}-${crypto.randomBytes(3).toString("hex")}`;
  const database = `hre_bench_availability_${process.pid}`;
  console.log(
    `  = npm run bench:availability -- --reads ${flags.reads} --concurrency ${flags.concurrency} ` +
      `--booking-concurrency ${flags.bookingConcurrency} --seeded ${flags.seeded} --patients ${flags.patients} --warmup ${flags.warmup}`,
  );
  console.log(
    `  machine: ${os.cpus().length} CPUs, 1-min load average ${os.loadavg()[0].toFixed(2)} at start`,
  );
  console.log(
    `  each design its own day (${dates[0]} … ${dates.at(-1)}): ${DOCTORS_PER_HOSPITAL} doctors × ` +
      `${layout.starts.length} slots × ${layout.capacity} seats, ${flags.seeded} seats booked before measuring`,
  );

  const dbUrl = await recreateDatabase(flags.mysql, database);
  const redis = new Redis(flags.redis);
  const stats: CopyStats = { hits: 0, misses: 0 };
  const base = loadConfig({ JWT_SECRET: crypto.randomBytes(32).toString("hex"), LOG_LEVEL: "warn" });
  const config = {
    ...base,
    dbUrl,
    redisUrl: flags.redis,
    namespace,
    port: 0,
    metricsPort: 0,
    seedOnEmpty: false,
    services: ["day"],
    // Each patient books once on every design's day: more upcoming appointments than a real patient may hold.
    booking: { ...base.booking, maxActiveAppointments: METHODS.length + 1 },
  };
  let node: HospitalNode | null = null;
  try {
    node = await createNode(config, {
      broker: { logger: false },
      extraServices: [(app) => availabilityReadService(app, stats)],
    });
    const seeded = await seed(node.app.sequelize, {
      layout,
      days: dates,
      accounts: flags.patients,
      variants: VARIANTS.filter((v) => v.key === "a"),
    });
    const { hospitalId, doctorIds } = seeded.doctorsOf.a;
    const shots = bookingShots(layout, doctorIds, await selfPatients(node.app.sequelize, seeded.accountIds));
    const { broker } = node;
    await broker.start();
    const bench: Bench = { flags, node, hospitalId, dates, shots, stats };
    for (const date of dates) {
      const dayKey = dayKeyOf(hospitalId, date);
      const booked = await runCalls(flags.seeded, flags.bookingConcurrency, (i) =>
        broker.call("day.book", { dayKey, ...shots[i] }),
      );
      if (booked.failures.size > 0)
        throw new Error(`Seeding ${date} failed: ${JSON.stringify([...booked.failures])}`);
    }
    console.error(`  [${process.uptime().toFixed(0)} s] seeded; measuring`);
    const results = await runAll(bench);
    console.log(
      `\n${flags.reads} reads per cell, ${flags.concurrency} in flight; busy: ${flags.bookingConcurrency} ` +
        `day.book calls in flight on the same day (bookings/s: what the day took meanwhile)\n`,
    );
    printAvailabilityTable(results);
    await checkAnswers(bench);
  } finally {
    await node?.stop();
    const deleted = await deleteKeys(redis, [`${namespace}:*`]);
    console.log(`\n  deleted ${deleted} Redis keys of namespace ${namespace}; dropped database ${database}`);
    redis.disconnect();
    await dropDatabase(flags.mysql, database);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
