/** bench:settlement's command-line flags, every problem named at once. */
import { parseArgs } from "node:util";
import { HELP, flagChecks } from "./flag-checks";

export const SETTLEMENT_USAGE = `Usage: npm run bench:settlement -- [--payments 1000000] [--hospitals 10000] [--days 7]
       [--sample 20000] [--chunk 1000] [--mysql mysql://root@127.0.0.1:3306] [--database hre_bench_settle_<pid>] [--keep]`;

export interface SettlementFlags {
  payments: number;
  hospitals: number;
  /** Days the payments spread over; the batch settles every one of them. */
  days: number;
  /** Payments the naive row-at-a-time job settles (then extrapolated). */
  sample: number;
  chunkSize: number;
  mysqlUrl: string;
  database: string;
  /** Keep the database afterwards (to run `npm run settle` or EXPLAIN against it). */
  keep: boolean;
}

export function parseSettlementFlags(argv: string[]): SettlementFlags {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      payments: { type: "string", default: "1000000" },
      hospitals: { type: "string", default: "10000" },
      days: { type: "string", default: "7" },
      sample: { type: "string", default: "20000" },
      chunk: { type: "string", default: "1000" },
      mysql: { type: "string", default: "mysql://root@127.0.0.1:3306" },
      database: { type: "string", default: `hre_bench_settle_${process.pid}` },
      keep: { type: "boolean", default: false },
      ...HELP,
    },
    strict: true,
  });
  const check = flagChecks(SETTLEMENT_USAGE, v.help);
  const int = check.number;
  const flags: SettlementFlags = {
    payments: int("payments", v.payments, 1, 50_000_000),
    hospitals: int("hospitals", v.hospitals, 1, 1_000_000),
    days: int("days", v.days, 1, 366),
    sample: int("sample", v.sample, 1, 1_000_000),
    chunkSize: int("chunk", v.chunk, 1, 10_000),
    mysqlUrl: check.server(v.mysql),
    database: check.database(v.database),
    keep: v.keep,
  };
  return check.done(flags);
}
