/** bench:availability's command-line flags, every problem named at once. */
import { parseArgs } from "node:util";
import { SERVER_OPTIONS, flagChecks } from "./flag-checks";

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
      ...SERVER_OPTIONS,
    },
    strict: true,
  });
  const check = flagChecks("Usage: npm run bench:availability -- [--reads 3000] [--concurrency 64] …", false);
  const int = check.number;
  const flags: AvailabilityFlags = {
    reads: int("reads", v.reads, 100, 10_000_000),
    concurrency: int("concurrency", v.concurrency, 1, 4096),
    bookingConcurrency: int("booking-concurrency", v["booking-concurrency"], 1, 1024),
    seeded: int("seeded", v.seeded, 0, 1_000_000),
    patients: int("patients", v.patients, 1, 1_000_000),
    warmup: int("warmup", v.warmup, 0, 1_000_000),
    mysql: check.server(v.mysql),
    redis: v.redis,
  };
  if (flags.seeded >= flags.patients) check.problem("--patients must exceed --seeded");
  return check.done(flags);
}
