/**
 * Many HTTP connections booking one hospital-day on MariaDB: the engine's day
 * actors (a) against one transaction per booking with SELECT … FOR UPDATE (b),
 * a Redis lock around the same transaction (c), and a no-op route through the
 * same gateway (d), side by side in one run.
 *
 *   npm run bench:hotspot -- --connections 256 --requests 10000
 *
 * The server runs in a child process; this process only generates load, so on
 * a small machine the two do not share one event loop.
 */
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import type { Sequelize } from "sequelize";
import { openDatabase } from "../platform/db/database";
import { signToken } from "../services/accounts/tokens";
import { checkSeats } from "./support/checks";
import { cpuShares, sampleCpu, servicePids } from "./support/cpu";
import type { ServicePids } from "./support/cpu";
import { parseFlags } from "./support/flags";
import type { BenchFlags } from "./support/flags";
import type { Layout, Target } from "./support/layout";
import { dayAhead, describeLayout, layoutFor, requestMix } from "./support/layout";
import { runLoad } from "./support/load";
import type { Shot } from "./support/load";
import type { Outcome } from "./support/report";
import { printReport } from "./support/report";
import { dropDatabase, recreateDatabase, seed } from "./support/seed";
import type { Seeded } from "./support/seed";
import { startServer } from "./support/server-handle";
import type { ServerHandle } from "./support/server-handle";
import { VARIANTS, urlPath } from "./support/variants";
import type { Variant } from "./support/variants";

const TOKEN_TTL_SECONDS = 3600;
const MIX_SEED = 20240801;

/** One pass of requests over a variant: the same dates, targets and tokens for every variant. */
interface Run {
  date: string;
  targets: Target[];
  /** One account per request, so no patient meets ALREADY_BOOKED or the upcoming-appointments cap. */
  tokens: string[];
}

interface Bench {
  flags: BenchFlags;
  layout: Layout;
  sequelize: Sequelize;
  seeded: Seeded;
  pids: ServicePids;
  measured: Run;
  warm: Run;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const layout = layoutFor(flags.requests);
  const now = new Date();
  const [measuredDate, warmDate] = [dayAhead(now, 7), dayAhead(now, 8)];
  console.log(`$ ${path.relative(process.cwd(), process.argv[1])} ${process.argv.slice(2).join(" ")}`.trim());
  console.log(
    `  = npm run bench:hotspot -- --connections ${flags.connections} --requests ${flags.requests} ` +
      `--warmup ${flags.warmup} --variants ${flags.variants.join(",")}`,
  );
  // Other work on the machine skews every number below; say how busy it was.
  console.log(
    `  machine: ${os.cpus().length} CPUs, 1-min load average ${os.loadavg()[0].toFixed(2)} at start`,
  );
  console.log(`  day ${measuredDate}: ${describeLayout(layout)}`);
  console.log(`  each variant: ${flags.warmup} warm-up requests on ${warmDate}, then the measured ones\n`);

  const dbUrl = await recreateDatabase(flags.mysqlUrl, flags.database);
  const sequelize = openDatabase(dbUrl, { poolMax: 4 });
  try {
    const seeded = await seed(sequelize, {
      layout,
      days: [measuredDate, warmDate],
      accounts: flags.requests + flags.warmup,
      variants: VARIANTS,
    });
    const jwtSecret = crypto.randomBytes(32).toString("hex");
    // Signed before any clock starts; the accounts after the measured ones serve the warm-up.
    const tokens = seeded.accountIds.map((id) =>
      signToken({ sub: String(id), role: "patient" }, jwtSecret, TOKEN_TTL_SECONDS),
    );
    const bench: Bench = {
      flags,
      layout,
      sequelize,
      seeded,
      pids: await servicePids(sequelize, flags.redisUrl),
      measured: {
        date: measuredDate,
        targets: requestMix(flags.requests, layout, MIX_SEED),
        tokens: tokens.slice(0, flags.requests),
      },
      warm: {
        date: warmDate,
        targets: requestMix(flags.warmup, layout, MIX_SEED + 1),
        tokens: tokens.slice(flags.requests),
      },
    };
    const server = await startServer(
      { dbUrl, redisUrl: flags.redisUrl, jwtSecret },
      { profileDir: flags.profileDir },
    );
    const outcomes = await runVariants(bench, server).finally(() => stopServer(server, flags));
    console.log();
    printReport(outcomes, flags.connections);
    console.log("\nServer log (warm-up and measured run of each variant):");
    console.log(server.log.digest().join("\n") || "  (nothing)");
  } finally {
    await sequelize.close();
    await dropDatabase(flags.mysqlUrl, flags.database);
  }
}

async function runVariants(bench: Bench, server: ServerHandle): Promise<Outcome[]> {
  const { flags, seeded } = bench;
  const outcomes: Outcome[] = [];
  for (const variant of VARIANTS.filter((v) => flags.variants.includes(v.key))) {
    const load = (run: Run) =>
      runLoad(server.baseUrl, urlPath(variant), shots(variant, run, seeded), flags.connections);
    server.log.enter(`(${variant.key}) ${variant.label}`);
    if (flags.warmup > 0) await load(bench.warm);
    const cpuBefore = await sampleCpu(server.cpuMicros, bench.pids);
    const measured = await load(bench.measured);
    const cpu = cpuShares(cpuBefore, await sampleCpu(server.cpuMicros, bench.pids), bench.pids);
    const seats = await checkSeats(bench.sequelize, variant, {
      hospitalId: seeded.doctorsOf[variant.key].hospitalId,
      date: bench.measured.date,
      capacity: bench.layout.capacity,
    });
    outcomes.push({ variant, load: measured, seats, cpu });
    console.log(`  ran (${variant.key}) ${variant.label} in ${(measured.elapsedMs / 1000).toFixed(1)} s`);
  }
  return outcomes;
}

/** The run's requests, aimed at the variant's own hospital. */
function shots(variant: Variant, run: Run, seeded: Seeded): Shot[] {
  const { hospitalId, doctorIds } = seeded.doctorsOf[variant.key];
  return run.targets.map((target, i) => ({
    token: run.tokens[i],
    body: JSON.stringify({
      hospitalId,
      doctorId: doctorIds[target.doctor],
      date: run.date,
      start: target.start,
    }),
  }));
}

async function stopServer(server: ServerHandle, flags: BenchFlags): Promise<void> {
  server.log.enter("shutdown");
  await server.stop();
  if (flags.profileDir)
    console.log(`  server CPU profile (pid ${server.pid}) written to ${flags.profileDir}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
