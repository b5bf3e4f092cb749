/**
 * A rush on one first-come-first-served coupon campaign over HTTP: the
 * product (Redis Lua counter, claim made durable on Kafka, rows written by a
 * batch consumer) (a) against one database transaction per claim with a row
 * lock on the stock (b), and Redis without Lua — GET, then DECR — as often
 * shipped (c), side by side in one run on MariaDB, Redis and librdkafka's
 * mock Kafka cluster.
 *
 *   npm run bench:coupons -- --claims 20000 --quantity 1000 --connections 256
 *
 * The server runs in a child process; this process only generates load.
 */
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import Redis from "ioredis";
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import { openDatabase } from "../platform/db/database";
import { migrate } from "../platform/db/migrate";
import { signToken } from "../services/accounts/tokens";
import { CouponStore } from "../services/coupons/coupon-store";
import { insertPatientAccounts, patientClaims, selfPatientsOf } from "../scripts/demo/patients";
import startKafkaMock, { MOCK_KEY } from "../test/support/kafka-mock.setup";
import stopKafkaMock from "../test/support/kafka-mock.teardown";
import { testKafkaConfig } from "../test/support/kafka";
import { createCouponBenchTables, insertStock } from "./alternatives/coupon-bench-store";
import { raceKeys } from "./alternatives/coupon-redis-race.service";
import { COUPON_DESIGNS, claimPath } from "./alternatives/coupon-variants";
import type { CouponDesign } from "./alternatives/coupon-variants";
import { claimOrder, parseCouponFlags } from "./support/coupon-flags";
import type { CouponFlags } from "./support/coupon-flags";
import { drain, duplicateAccounts, probeProducer } from "./support/coupon-checks";
import type { CouponOutcome } from "./support/coupon-report";
import { printCouponReport, printWhereTimeGoes } from "./support/coupon-report";
import { cpuShares, processMicros, sampleCpu, servicePids } from "./support/cpu";
import type { ServicePids } from "./support/cpu";
import { runLoad } from "./support/load";
import type { Shot } from "./support/load";
import { deleteKeys } from "./support/redis-keys";
import { dropDatabase, recreateDatabase } from "./support/seed";
import { startServer } from "./support/server-handle";
import type { ServerHandle } from "./support/server-handle";

const TOKEN_TTL_SECONDS = 3600;
const MIX_SEED = 20241111;

interface Bench {
  flags: CouponFlags;
  sequelize: Sequelize;
  redis: Redis;
  server: ServerHandle;
  pids: ServicePids;
  kafkaPid: number | null;
  adminToken: string;
  tokens: string[];
  order: number[];
  accountIds: number[];
}

async function main(): Promise<void> {
  const flags = parseCouponFlags(process.argv.slice(2));
  console.log(`$ ${path.relative(process.cwd(), process.argv[1])} ${process.argv.slice(2).join(" ")}`.trim());
  console.log(
    `  = npm run bench:coupons -- --claims ${flags.claims} --quantity ${flags.quantity} --connections ${flags.connections} ` +
      `--accounts ${flags.accounts} --warmup ${flags.warmup} --designs ${flags.designs.join(",")}`,
  );
  console.log(
    `  machine: ${os.cpus().length} CPUs, 1-min load average ${os.loadavg()[0].toFixed(2)} at start`,
  );
  console.log(
    `  each design: a fresh campaign of ${flags.quantity}; ${flags.claims} claims from ${flags.accounts} patient accounts ` +
      `(${flags.claims - flags.accounts} repeats, half as double taps); first ${flags.warmup} claims on a warm-up campaign\n`,
  );

  await startKafkaMock();
  // The colleague's test helper reads the address the mock's start-up left for the test workers.
  const kafkaBrokers = testKafkaConfig().brokers.join(",");
  const kafkaPid = (globalThis as unknown as Record<string, ChildProcess | undefined>)[MOCK_KEY]?.pid ?? null;
  const dbUrl = await recreateDatabase(flags.mysqlUrl, flags.database);
  const sequelize = openDatabase(dbUrl, { poolMax: 4 });
  const redis = new Redis(flags.redisUrl);
  try {
    await migrate(sequelize);
    await createCouponBenchTables(sequelize);
    const accountIds = await insertPatientAccounts(sequelize, flags.accounts, "couponbench");
    const adminId = await insertAdmin(sequelize);
    const jwtSecret = crypto.randomBytes(32).toString("hex");
    const accounts = await selfPatientsOf(sequelize, accountIds);
    const tokens = accounts.map((account) => signToken(patientClaims(account), jwtSecret, TOKEN_TTL_SECONDS));
    const server = await startServer(
      {
        dbUrl,
        redisUrl: flags.redisUrl,
        jwtSecret,
        suite: "coupons",
        kafkaBrokers,
        namespace: flags.database,
      },
      { profileDir: null },
    );
    console.log(`  mock Kafka cluster at ${kafkaBrokers}; server pid ${server.pid}`);
    const bench: Bench = {
      flags,
      sequelize,
      redis,
      server,
      pids: await servicePids(sequelize, flags.redisUrl),
      kafkaPid,
      adminToken: signToken({ sub: String(adminId), role: "admin" }, jwtSecret, TOKEN_TTL_SECONDS),
      tokens,
      order: claimOrder(flags.claims, flags.accounts, MIX_SEED),
      accountIds,
    };
    const outcomes: CouponOutcome[] = [];
    try {
      for (const design of COUPON_DESIGNS.filter((d) => flags.designs.includes(d.key)))
        outcomes.push(await runDesign(bench, design));
    } finally {
      server.log.enter("shutdown");
      await server.stop();
    }
    console.log();
    printCouponReport(outcomes, flags.connections);
    const [a, b, d] = ["a", "b", "d"].map((key) => outcomes.find((o) => o.design.key === key));
    if (a && b) printWhereTimeGoes(a, b, d, await probeProducer(kafkaBrokers, flags.connections));
    console.log("\nServer log (warm-up and measured run of each design):");
    console.log(server.log.digest().join("\n") || "  (nothing)");
  } finally {
    await deleteKeys(redis, [`${flags.database}:coupon:*`, `hre-bench:${flags.database}:*`]);
    redis.disconnect();
    await sequelize.close();
    await dropDatabase(flags.mysqlUrl, flags.database);
    await stopKafkaMock();
  }
}

async function runDesign(bench: Bench, design: CouponDesign): Promise<CouponOutcome> {
  const { flags, server } = bench;
  const shots = (count: number): Shot[] =>
    bench.order.slice(0, count).map((account) => ({ token: bench.tokens[account], body: "{}" }));
  const load = async (campaignId: number, count: number) => {
    const result = await runLoad(
      server.baseUrl,
      claimPath(design, campaignId),
      shots(count),
      flags.connections,
    );
    return { result, check: await drain(bench.sequelize, campaignId, flags.drainTimeoutMs) };
  };
  server.log.enter(`(${design.key}) ${design.label}`);
  if (flags.warmup > 0) {
    const warm = await createCampaign(bench, design, `warm-up ${design.key}`, Math.ceil(flags.warmup / 2));
    await load(warm, Math.min(flags.warmup, flags.claims));
  }
  const campaignId = await createCampaign(bench, design, `rush ${design.key}`, flags.quantity);
  const kafkaBefore = processMicros(bench.kafkaPid);
  const before = await sampleCpu(server.cpuMicros, bench.pids);
  const result = await runLoad(
    server.baseUrl,
    claimPath(design, campaignId),
    shots(flags.claims),
    flags.connections,
  );
  const after = await sampleCpu(server.cpuMicros, bench.pids);
  const shares = cpuShares(before, after, bench.pids);
  const kafka = (100 * (processMicros(bench.kafkaPid) - kafkaBefore)) / ((after.at - before.at) * 1000);
  const check = await drain(bench.sequelize, campaignId, flags.drainTimeoutMs);
  const counterLeft = await counterAfter(bench, design, campaignId);
  console.log(`  ran (${design.key}) ${design.label} in ${(result.elapsedMs / 1000).toFixed(1)} s`);
  return {
    design,
    quantity: flags.quantity,
    load: result,
    check,
    counterLeft,
    duplicateAccounts: duplicateAccounts(result.statusOf ?? new Uint16Array(), bench.order),
    // The mock cluster is counted apart; take it out of "others".
    cpu: { ...shares, kafka, others: Math.max(0, shares.others - kafka) },
  };
}

/** A fresh campaign: through the admin route for the product (which primes its counter), directly for the others. */
async function createCampaign(
  bench: Bench,
  design: CouponDesign,
  name: string,
  quantity: number,
): Promise<number> {
  const input = {
    name,
    discount: { type: "amount" as const, value: 3000 },
    quantity,
    startsAt: null,
    endsAt: null,
  };
  if (design.key === "a") {
    const response = await fetch(`${bench.server.baseUrl}/api/v1/coupon-campaigns`, {
      method: "POST",
      headers: { authorization: `Bearer ${bench.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name, discount: input.discount, quantity }),
    });
    if (response.status !== 201)
      throw new Error(`Creating a campaign answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { id: number }).id;
  }
  const campaign = await new CouponStore(bench.sequelize).createCampaign(
    { ...input, hospitalId: null },
    0,
    Date.now(),
  );
  if (design.key === "b") await insertStock(bench.sequelize, campaign.id, quantity);
  if (design.key === "c")
    await bench.redis.set(raceKeys(bench.flags.database, campaign.id).remaining, quantity);
  return campaign.id;
}

/** What the design's own counter says is left: below zero means it handed out more than it had. */
async function counterAfter(bench: Bench, design: CouponDesign, campaignId: number): Promise<number | null> {
  switch (design.key) {
    case "a": {
      const response = await fetch(`${bench.server.baseUrl}/api/v1/coupon-campaigns/${campaignId}`);
      return ((await response.json()) as { remaining: number }).remaining;
    }
    case "b": {
      const [row] = await bench.sequelize.query<{ remaining: number }>(
        "SELECT remaining FROM bench_campaign_stock WHERE id = ?",
        { replacements: [campaignId], type: QueryTypes.SELECT },
      );
      return Number(row.remaining);
    }
    case "c":
      return Number(await bench.redis.get(raceKeys(bench.flags.database, campaignId).remaining));
    case "d":
      return null;
  }
}

async function insertAdmin(sequelize: Sequelize): Promise<number> {
  const [id] = await sequelize.query(
    `INSERT INTO users (email, password_hash, name, phone, birth_date, role, hospital_id, created_at, updated_at)
      VALUES ('couponbench-admin@demo.local', 'not-used', '관리자', '010-0000-0000', '1980-01-01', 'admin', NULL, NOW(), NOW())`,
    { type: QueryTypes.INSERT },
  );
  return Number(id);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
