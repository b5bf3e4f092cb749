/**
 * Many HTTP connections booking one hospital-day on MariaDB: the engine's day
 * actors (a) against one transaction per booking with SELECT … FOR UPDATE (b),
 * a Redis lock around the same transaction (c), and a no-op route through the
 * same gateway (d), side by side in one run.
 *
 *   npm run bench:hotspot -- --connections 256 --requests 10000
 *   npm run bench:hotspot -- --connections 64 --requests 2000 --cluster
 *
 * The server runs in a child process; this process only generates load, so on
 * a small machine the two do not share one event loop. With --cluster every
 * variant then runs again, on two later days, against a gateway and two
 * workers on the Redis transporter (support/cluster-handle.ts), and a second
 * table follows the first.
 */
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import type { Sequelize } from "sequelize";
import { openDatabase } from "../platform/db/database";
import { signToken } from "../services/accounts/tokens";
import { patientClaims, selfPatientsOf } from "../scripts/demo/patients";
import { checkSeats } from "./support/checks";
import { CLUSTER_TITLE, startCluster } from "./support/cluster-handle";
import { printLayoutComparison } from "./support/cluster-report";
import { cpuShares, sampleCpu, servicePids } from "./support/cpu";
import type { ServicePids } from "./support/cpu";
import { parseFlags } from "./support/flags";
import type { BenchFlags } from "./support/flags";
import type { Layout } from "./support/layout";
import { dayAhead, describeLayout, layoutFor } from "./support/layout";
import { runLoad } from "./support/load";
import type { Outcome } from "./support/report";
import { printReport } from "./support/report";
import type { Run, Runs } from "./support/runs";
import { runsOn, shots } from "./support/runs";
import { dropDatabase, recreateDatabase, seed } from "./support/seed";
import type { Seeded } from "./support/seed";
import { startServer } from "./support/server-handle";
import type { Deployment } from "./support/server-handle";
import { VARIANTS, urlPath } from "./support/variants";

const TOKEN_TTL_SECONDS = 3600;

interface Bench {
  flags: BenchFlags;
  layout: Layout;
  sequelize: Sequelize;
  seeded: Seeded;
  pids: ServicePids;
}

/** What one deployment did: its outcomes, and its log once it has stopped. */
interface Measured {
  outcomes: Outcome[];
  log: string[];
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const layout = layoutFor(flags.requests);
  const now = new Date();
  // The cluster books days of its own, so it starts with as many free seats and as few actors as the single node.
  const single: [string, string] = [dayAhead(now, 7), dayAhead(now, 8)];
  const cluster: [string, string] = [dayAhead(now, 9), dayAhead(now, 10)];
  console.log(`$ ${path.relative(process.cwd(), process.argv[1])} ${process.argv.slice(2).join(" ")}`.trim());
  console.log(
    `  = npm run bench:hotspot -- --connections ${flags.connections} --requests ${flags.requests} ` +
      `--warmup ${flags.warmup} --variants ${flags.variants.join(",")}${flags.cluster ? " --cluster" : ""}`,
  );
  // Other work on the machine skews every number below; say how busy it was.
  console.log(
    `  machine: ${os.cpus().length} CPUs, 1-min load average ${os.loadavg()[0].toFixed(2)} at start`,
  );
  console.log(`  day ${single[0]}: ${describeLayout(layout)}`);
  if (flags.cluster) console.log(`  then again on ${cluster[0]} (warm-up ${cluster[1]}) — ${CLUSTER_TITLE}`);
  console.log(`  each variant: ${flags.warmup} warm-up requests on ${single[1]}, then the measured ones\n`);

  const dbUrl = await recreateDatabase(flags.mysqlUrl, flags.database);
  const sequelize = openDatabase(dbUrl, { poolMax: 4 });
  try {
    const seeded = await seed(sequelize, {
      layout,
      days: flags.cluster ? [...single, ...cluster] : single,
      accounts: flags.requests + flags.warmup,
      variants: VARIANTS,
    });
    const jwtSecret = crypto.randomBytes(32).toString("hex");
    // Signed before any clock starts; the accounts after the measured ones serve the warm-up.
    const accounts = await selfPatientsOf(sequelize, seeded.accountIds);
    const tokens = accounts.map((account) => signToken(patientClaims(account), jwtSecret, TOKEN_TTL_SECONDS));
    const bench: Bench = {
      flags,
      layout,
      sequelize,
      seeded,
      pids: await servicePids(sequelize, flags.redisUrl),
    };
    const start = { dbUrl, redisUrl: flags.redisUrl, jwtSecret };
    const options = { profileDir: flags.profileDir };

    const server = await startServer(start, options);
    const alone = await measure(
      bench,
      runsOn(single, layout, flags, tokens),
      server,
      `server CPU profile (pid ${server.pid})`,
    );
    let together: Measured | null = null;
    if (flags.cluster) {
      console.log(`  then the ${CLUSTER_TITLE}`);
      together = await measure(
        bench,
        runsOn(cluster, layout, flags, tokens),
        await startCluster(start, options),
        "cluster CPU profiles",
      );
    }
    console.log();
    if (together) console.log("single node: one process with every service\n");
    printReport(alone.outcomes, flags.connections);
    if (together) {
      console.log(`\n${CLUSTER_TITLE}\n`);
      printReport(together.outcomes, flags.connections);
      printLayoutComparison(alone.outcomes, together.outcomes);
    }
    console.log("\nServer log (warm-up and measured run of each variant):");
    console.log(alone.log.join("\n") || "  (nothing)");
    if (together) console.log(`\nCluster logs, by node:\n${together.log.join("\n") || "  (nothing)"}`);
  } finally {
    await sequelize.close();
    await dropDatabase(flags.mysqlUrl, flags.database);
  }
}

/** Runs every selected variant against the deployment, then stops it. */
async function measure(
  bench: Bench,
  runs: Runs,
  deployment: Deployment,
  profiles: string,
): Promise<Measured> {
  const outcomes = await runVariants(bench, runs, deployment).finally(async () => {
    deployment.log.enter("shutdown");
    await deployment.stop();
    if (bench.flags.profileDir) console.log(`  ${profiles} written to ${bench.flags.profileDir}`);
  });
  return { outcomes, log: deployment.log.digest() };
}

async function runVariants(bench: Bench, runs: Runs, server: Deployment): Promise<Outcome[]> {
  const { flags, seeded } = bench;
  const outcomes: Outcome[] = [];
  for (const variant of VARIANTS.filter((v) => flags.variants.includes(v.key))) {
    const load = (run: Run) =>
      runLoad(server.baseUrl, urlPath(variant), shots(variant, run, seeded), flags.connections);
    server.log.enter(`(${variant.key}) ${variant.label}`);
    if (flags.warmup > 0) await load(runs.warm);
    const cpuBefore = await sampleCpu(server.cpuMicros, bench.pids);
    const measured = await load(runs.measured);
    const cpu = cpuShares(cpuBefore, await sampleCpu(server.cpuMicros, bench.pids), bench.pids);
    const seats = await checkSeats(bench.sequelize, variant, {
      hospitalId: seeded.doctorsOf[variant.key].hospitalId,
      date: runs.measured.date,
      capacity: bench.layout.capacity,
    });
    outcomes.push({ variant, load: measured, seats, cpu });
    console.log(`  ran (${variant.key}) ${variant.label} in ${(measured.elapsedMs / 1000).toFixed(1)} s`);
  }
  return outcomes;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
