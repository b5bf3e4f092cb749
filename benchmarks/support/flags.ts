/** Command-line flags of the hotspot benchmark, validated with every problem named at once. */
import { parseArgs } from "node:util";
import { numberFlags } from "./number-flag";

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
      mysql: { type: "string", default: "mysql://root@127.0.0.1:3306" },
      redis: { type: "string", default: "redis://127.0.0.1:6379" },
      // Per process by default: two runs on one MariaDB must not drop each other's tables.
      database: { type: "string", default: `${BENCH_DATABASE_PREFIX}${process.pid}` },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const problems: string[] = [];
  const int = numberFlags(problems);
  const flags: BenchFlags = {
    connections: int("connections", values.connections, 1, 4096),
    requests: int("requests", values.requests, 1, 1_000_000),
    warmup: int("warmup", values.warmup, 0, 1_000_000),
    variants: values.variants.split(",").map((v) => v.trim()),
    cluster: values.cluster,
    profileDir: values.profile ?? null,
    mysqlUrl: values.mysql.replace(/\/+$/, ""),
    redisUrl: values.redis,
    database: values.database,
  };
  if (!flags.variants.every((v) => ["a", "b", "c", "d"].includes(v))) {
    problems.push(`--variants must list some of a,b,c,d (got "${values.variants}")`);
  }
  // The name goes into DROP DATABASE: keep it to a plain identifier.
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(flags.database))
    problems.push("--database must be a plain lower-case name");
  if (problems.length > 0) throw new Error(`${problems.join("\n")}\n${USAGE}`);
  return flags;
}
