/** Command-line flags of the hotspot benchmark, validated with every problem named at once. */
import { parseArgs } from "node:util";
import { HELP, SERVER_OPTIONS, flagChecks } from "./flag-checks";

const BENCH_DATABASE_PREFIX = "hre_bench_";

export interface BenchFlags {
  /** Concurrent keep-alive connections, each with one request in flight. */
  connections: number;
  /** Measured requests per variant. */
  requests: number;
  /** Unmeasured requests per variant first, on another day, so JIT and pools are warm. */
  warmup: number;
  /** Which variants to run (all by default), e.g. only "a" and "d" while profiling. */
  variants: string[];
  /** Run every variant again against a gateway and two workers on the Redis transporter. */
  cluster: boolean;
  /** Write a V8 CPU profile of the server process (each one, with --cluster) into this folder. */
  profileDir: string | null;
  /** MariaDB server URL without a database; the benchmark creates its own. */
  mysqlUrl: string;
  redisUrl: string;
  /** The benchmark's own database, created fresh and dropped at the end. */
  database: string;
}

export const USAGE = `Usage: npm run bench:hotspot -- [--connections 256] [--requests 10000] [--warmup 1500]
       [--variants a,b,c,d] [--cluster] [--profile <dir>] [--mysql mysql://root@127.0.0.1:3306] [--redis redis://127.0.0.1:6379]
       [--database hre_bench_<pid>]`;

export function parseFlags(argv: string[]): BenchFlags {
  const { values } = parseArgs({
    args: argv,
    options: {
      connections: { type: "string", default: "256" },
      requests: { type: "string", default: "10000" },
      warmup: { type: "string", default: "1500" },
      variants: { type: "string", default: "a,b,c,d" },
      cluster: { type: "boolean", default: false },
      profile: { type: "string" },
      ...SERVER_OPTIONS,
      // Per process by default: two runs on one MariaDB must not drop each other's tables.
      database: { type: "string", default: `${BENCH_DATABASE_PREFIX}${process.pid}` },
      ...HELP,
    },
    strict: true,
  });
  const check = flagChecks(USAGE, values.help);
  const flags: BenchFlags = {
    connections: check.number("connections", values.connections, 1, 4096),
    requests: check.number("requests", values.requests, 1, 1_000_000),
    warmup: check.number("warmup", values.warmup, 0, 1_000_000),
    variants: values.variants.split(",").map((v) => v.trim()),
    cluster: values.cluster,
    profileDir: values.profile ?? null,
    mysqlUrl: check.server(values.mysql),
    redisUrl: values.redis,
    database: check.database(values.database),
  };
  if (!flags.variants.every((v) => ["a", "b", "c", "d"].includes(v)))
    check.problem(`--variants must list some of a,b,c,d (got "${values.variants}")`);
  return check.done(flags);
}
