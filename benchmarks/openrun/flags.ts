/** Command-line flags of the open-run benchmark, validated with every problem named at once. */
import { parseArgs } from "node:util";
import { HELP, SERVER_OPTIONS, flagChecks } from "../support/flag-checks";

export type OpenRunMode = "off" | "on" | "noop";
const MODES: readonly string[] = ["off", "on", "noop"];

export interface OpenRunFlags {
  patients: number;
  /** The patients' arrivals spread evenly over this many seconds. */
  seconds: number;
  /**
   * Most sockets the load generator opens to the server (more requests wait for one): the
   * keep-alive pool a load balancer keeps to a gateway, which the phones' own connections end at.
   * 2048 adds a 1–2 s tail to every mode, the no-op route's included, while the pool grows.
   */
  sockets: number;
  /** A parent gives up on one answer after this long: a client-side time-out. */
  timeoutMs: number;
  /** Fairness: seats that went to the first this-many arrivals. */
  first: number;
  /**
   * The server's ACTOR_MAX_BATCH (null: its default). 1 makes every booking its own commit: an
   * actor slower than the gateway, as on a slow database, where admission has work to do.
   */
  actorBatch: number | null;
  /** "off" (no admission control), "on", and "noop" (the same crowd on the no-op route: the gateway's ceiling), in this order. */
  modes: OpenRunMode[];
  mysqlUrl: string;
  redisUrl: string;
  database: string;
  /** Write the server's V8 CPU profile (--cpu-prof) into this folder. */
  profileDir: string | null;
}

export const USAGE = `Usage: npm run bench:openrun -- [--patients 20000] [--seconds 5] [--sockets 256]
       [--timeout 15000] [--first 1000] [--modes off,on,noop] [--actor-batch <n>] [--mysql mysql://root@127.0.0.1:3306]
       [--redis redis://127.0.0.1:6379] [--database hre_bench_openrun_<pid>] [--profile <dir>]`;

export function parseOpenRunFlags(argv: string[]): OpenRunFlags {
  const { values } = parseArgs({
    args: argv,
    options: {
      patients: { type: "string", default: "20000" },
      seconds: { type: "string", default: "5" },
      sockets: { type: "string", default: "256" },
      timeout: { type: "string", default: "15000" },
      first: { type: "string", default: "1000" },
      modes: { type: "string", default: "off,on,noop" },
      "actor-batch": { type: "string" },
      ...SERVER_OPTIONS,
      database: { type: "string", default: `hre_bench_openrun_${process.pid}` },
      profile: { type: "string" },
      ...HELP,
    },
    strict: true,
  });
  const check = flagChecks(USAGE, values.help);
  const int = check.number;
  const modes = values.modes.split(",").map((m) => m.trim());
  const flags: OpenRunFlags = {
    patients: int("patients", values.patients, 100, 1_000_000),
    seconds: int("seconds", values.seconds, 1, 600),
    sockets: int("sockets", values.sockets, 1, 16_384),
    timeoutMs: int("timeout", values.timeout, 100, 600_000),
    first: int("first", values.first, 1, 1_000_000),
    actorBatch:
      values["actor-batch"] === undefined ? null : int("actor-batch", values["actor-batch"], 1, 10_000),
    modes: modes.filter((m): m is OpenRunMode => MODES.includes(m)),
    mysqlUrl: check.server(values.mysql),
    redisUrl: values.redis,
    database: check.database(values.database),
    profileDir: values.profile ?? null,
  };
  if (flags.modes.length !== modes.length || modes.length === 0)
    check.problem(`--modes must list some of off, on and noop (got "${values.modes}")`);
  return check.done(flags);
}
