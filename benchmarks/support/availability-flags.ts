/** bench:availability's command-line flags, every problem named at once. */
import { parseArgs } from "node:util";
import { numberFlags } from "./number-flag";

export interface AvailabilityFlags {
  reads: number;
  concurrency: number;
  bookingConcurrency: number;
  seeded: number;
  patients: number;
  warmup: number;
  mysql: string;
  redis: string;
}

export function parseAvailabilityFlags(argv: string[]): AvailabilityFlags {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      reads: { type: "string", default: "3000" },
      concurrency: { type: "string", default: "64" },
      "booking-concurrency": { type: "string", default: "32" },
      seeded: { type: "string", default: "800" },
      patients: { type: "string", default: "4000" },
      warmup: { type: "string", default: "100" },
      mysql: { type: "string", default: "mysql://root@127.0.0.1:3306" },
      redis: { type: "string", default: "redis://127.0.0.1:6379" },
    },
    strict: true,
  });
  const problems: string[] = [];
  const int = numberFlags(problems);
  const flags: AvailabilityFlags = {
    reads: int("reads", v.reads, 100, 10_000_000),
    concurrency: int("concurrency", v.concurrency, 1, 4096),
    bookingConcurrency: int("booking-concurrency", v["booking-concurrency"], 1, 1024),
    seeded: int("seeded", v.seeded, 0, 1_000_000),
    patients: int("patients", v.patients, 1, 1_000_000),
    warmup: int("warmup", v.warmup, 0, 1_000_000),
    mysql: v.mysql.replace(/\/+$/, ""),
    redis: v.redis,
  };
  if (flags.seeded >= flags.patients) problems.push("--patients must exceed --seeded");
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return flags;
}
