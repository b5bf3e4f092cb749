/** Command-line flags of the queue ETA benchmark, validated with every problem named at once. */
import { parseArgs } from "node:util";
import { HELP, flagChecks } from "../support/flag-checks";

export interface EtaFlags {
  seed: number;
  /** Independent cold first days, and measured warm days after one warm-up day, per scenario. */
  days: number;
  /** Arrival rate as a share of the clinic's true capacity (1 = arrivals match what the doctors can see). */
  load: number;
  /** Share of called patients who are not there. */
  noShow: number;
  /** Log-scale spread of service times. */
  sigma: number;
}

export const USAGE =
  "Usage: npm run bench:queue-eta -- [--seed 20250303] [--days 4] [--load 0.95] [--no-show 0.08] [--sigma 0.5]";

export function parseFlags(argv: string[]): EtaFlags {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: "string", default: "20250303" },
      days: { type: "string", default: "4" },
      load: { type: "string", default: "0.95" },
      "no-show": { type: "string", default: "0.08" },
      sigma: { type: "string", default: "0.5" },
      ...HELP,
    },
    strict: true,
  });
  const check = flagChecks(USAGE, values.help);
  const num = check.number;
  const flags: EtaFlags = {
    seed: num("seed", values.seed, 0, 2 ** 32 - 1, true),
    days: num("days", values.days, 1, 200, true),
    load: num("load", values.load, 0.1, 2, false),
    noShow: num("no-show", values["no-show"], 0, 0.5, false),
    sigma: num("sigma", values.sigma, 0, 1.5, false),
  };
  return check.done(flags);
}
