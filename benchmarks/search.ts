/**
 * Hospital search on MariaDB: the embedded engine against `LIKE '%q%'` (what
 * `GET /hospitals` did before) and a FULLTEXT n-gram index, on the same query
 * mix in one run — p50/p99 per design, index build time and heap — then the
 * same comparison end to end through the REST gateway.
 *
 *   npm run bench:search -- --hospitals 100000 [--queries 400] [--requests 400]
 *
 * Needs MariaDB on 127.0.0.1:3306 (root, no password; `--mysql` to change):
 * the run creates and drops its own database.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import { createNode } from "../node";
import { loadConfig } from "../platform/config";
import { openDatabase } from "../platform/db/database";
import { migrate } from "../platform/db/migrate";
import { defineModels } from "../platform/db/models";
import type { Models } from "../platform/db/models";
import { loadDemoData } from "../scripts/demo/load";
import { EmbeddedEngine } from "../services/search/engines";
import { tableSource } from "../services/search/hospital-docs";
import { buildFulltext, fulltextSearch, likeSearch } from "./alternatives/search-sql";
import { SERVER_OPTIONS, flagChecks } from "./support/flag-checks";
import { dropDatabase, recreateDatabase } from "./support/seed";
import type { DesignResult, MixQuery } from "./support/search-mix";
import { printKinds, printTable, queryMix } from "./support/search-mix";

const MIX_SEED = 20261203;
const WARM_UP = 30;

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** Runs every query once to warm up, then times each; `find` answers how many hospitals matched. */
async function measure(
  design: string,
  mix: readonly MixQuery[],
  find: (q: string) => Promise<number>,
  extra: Pick<DesignResult, "buildMs" | "memoryMb">,
): Promise<DesignResult> {
  for (const { q } of mix.slice(0, WARM_UP)) await find(q);
  const latencies: number[] = [];
  let answered = 0;
  for (const { q } of mix) {
    const started = performance.now();
    const found = await find(q);
    latencies.push(performance.now() - started);
    if (found > 0) answered += 1;
  }
  console.error(`  ${design}: done`);
  return { design, latencies, answered, ...extra };
}

async function inProcess(
  sequelize: Sequelize,
  models: Models,
  mix: readonly MixQuery[],
): Promise<DesignResult[]> {
  const before = heapMb();
  const engine = new EmbeddedEngine();
  const started = performance.now();
  await engine.rebuild(tableSource({ models }));
  const buildMs = performance.now() - started;
  const memoryMb = heapMb() - before;
  const context = { now: new Date(), publicHolidays: [] };
  const embedded = await measure(
    "embedded",
    mix,
    async (q) => (await engine.search({ q, offset: 0, limit: 20 }, context)).total,
    { buildMs, memoryMb },
  );
  const like = await measure("LIKE '%q%'", mix, (q) => likeSearch(models, q), {
    buildMs: null,
    memoryMb: null,
  });
  const ft = await buildFulltext(sequelize);
  console.error(`  FULLTEXT n-gram: column filled in ${ft.fillMs} ms, index built in ${ft.indexMs} ms`);
  const fulltext = await measure("FULLTEXT n-gram", mix, (q) => fulltextSearch(models, sequelize, q), {
    buildMs: ft.fillMs + ft.indexMs,
    memoryMb: null,
  });
  return [embedded, like, fulltext];
}

/** A gateway with the search and hospitals services; `GET /bench/like` is the old LIKE listing. */
async function overRest(dbUrl: string, mix: readonly MixQuery[]): Promise<DesignResult[]> {
  const config = {
    ...loadConfig({ JWT_SECRET: "bench-search-secret-long-enough-for-hs256-0123", LOG_LEVEL: "warn" }),
    dbUrl,
    port: 0,
    metricsPort: 0,
    seedOnEmpty: false,
    services: ["api", "search", "hospitals"],
  };
  const node = await createNode(config, {
    broker: { logger: false },
    extraRoutes: { "GET /bench/like": { action: "hospitals.list" } },
  });
  await node.broker.start();
  try {
    const server = (node.broker.getLocalService("api") as unknown as { server: Server }).server;
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    const get = (path: string) => async (q: string) => {
      const res = await fetch(`${base}${path}?q=${encodeURIComponent(q.slice(0, 60))}`);
      const body = (await res.json()) as { total?: number };
      return body.total ?? 0;
    };
    const none = { buildMs: null, memoryMb: null };
    return [
      await measure("REST search", mix, get("/hospitals"), none),
      await measure("REST LIKE", mix, get("/bench/like"), none),
    ];
  } finally {
    await node.stop();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      hospitals: { type: "string", default: "100000" },
      queries: { type: "string", default: "400" },
      requests: { type: "string", default: "400" },
      mysql: SERVER_OPTIONS.mysql,
      "skip-rest": { type: "boolean", default: false },
    },
    strict: true,
  });
  const check = flagChecks(
    "Usage: npm run bench:search -- [--hospitals 100000] [--queries 400] [--requests 400] [--skip-rest]",
    false,
  );
  const hospitals = check.number("hospitals", values.hospitals, 10, 1_000_000);
  const queries = check.number("queries", values.queries, 10, 100_000);
  const requests = check.number("requests", values.requests, 10, 100_000);
  check.done(null);

  const dbName = `bench_search_${process.pid}`;
  const dbUrl = await recreateDatabase(values.mysql, dbName);
  const sequelize = openDatabase(dbUrl, { poolMax: 8 });
  try {
    await migrate(sequelize);
    const seeded = performance.now();
    await loadDemoData(sequelize, {
      hospitals,
      seed: 1,
      baseDate: "2026-12-01",
      password: "bench-password-1",
    });
    console.error(`Seeded ${hospitals} hospitals in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    const names = await sequelize.query<{ name: string }>(
      "SELECT name FROM hospitals ORDER BY RAND(1) LIMIT 2000",
      {
        type: QueryTypes.SELECT,
      },
    );
    const mix = queryMix(
      names.map((n) => n.name),
      Math.max(queries, requests),
      MIX_SEED,
    );
    const models = defineModels(sequelize);
    const local = await inProcess(sequelize, models, mix.slice(0, queries));
    printTable(
      `In process, ${hospitals} hospitals, ${queries} queries (first page of 20 and the total)`,
      local,
      "LIKE '%q%'",
    );
    printKinds(mix.slice(0, queries), local);
    if (!values["skip-rest"]) {
      const rest = await overRest(dbUrl, mix.slice(0, requests));
      printTable(`Through REST (GET /hospitals?q=), ${requests} sequential requests`, rest, "REST LIKE");
      printKinds(mix.slice(0, requests), rest);
    }
    const kinds = [...new Set(mix.map((m) => m.kind))].map(
      (k) => `${k} ${mix.filter((m) => m.kind === k).length}`,
    );
    console.log(`\nQuery mix: ${kinds.join(", ")}`);
  } finally {
    await sequelize.close();
    await dropDatabase(values.mysql, dbName);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
