/** bench:coupons' command-line flags (every problem named at once) and the order in which accounts claim. */
import { parseArgs } from "node:util";
import { randomSource } from "../../scripts/demo/generate";
import { HELP, SERVER_OPTIONS, flagChecks } from "./flag-checks";

export const COUPON_USAGE = `Usage: npm run bench:coupons -- [--claims 20000] [--quantity 1000] [--connections 256]
       [--accounts <claims × 0.8>] [--warmup 1000] [--designs a,b,c,d] [--drain-timeout 60]
       [--mysql mysql://root@127.0.0.1:3306] [--redis redis://127.0.0.1:6379] [--database hre_bench_coupons_<pid>]`;

export interface CouponFlags {
  claims: number;
  quantity: number;
  connections: number;
  accounts: number;
  warmup: number;
  designs: string[];
  drainTimeoutMs: number;
  mysqlUrl: string;
  redisUrl: string;
  database: string;
}

export function parseCouponFlags(argv: string[]): CouponFlags {
  const { values: v } = parseArgs({
    args: argv,
    options: {
      claims: { type: "string", default: "20000" },
      quantity: { type: "string", default: "1000" },
      connections: { type: "string", default: "256" },
      accounts: { type: "string" },
      warmup: { type: "string", default: "1000" },
      designs: { type: "string", default: "a,b,c,d" },
      "drain-timeout": { type: "string", default: "60" },
      ...SERVER_OPTIONS,
      database: { type: "string", default: `hre_bench_coupons_${process.pid}` },
      ...HELP,
    },
    strict: true,
  });
  const check = flagChecks(COUPON_USAGE, v.help);
  const int = check.number;
  const claims = int("claims", v.claims, 1, 1_000_000);
  const flags: CouponFlags = {
    claims,
    quantity: int("quantity", v.quantity, 1, 1_000_000),
    connections: int("connections", v.connections, 1, 4096),
    accounts: int("accounts", v.accounts ?? String(Math.max(1, Math.round(claims * 0.8))), 1, claims),
    warmup: int("warmup", v.warmup, 0, 100_000),
    designs: v.designs.split(",").map((d) => d.trim()),
    drainTimeoutMs: int("drain-timeout", v["drain-timeout"], 1, 3600) * 1000,
    mysqlUrl: check.server(v.mysql),
    redisUrl: v.redis,
    // Also in Redis key patterns: check.database keeps it a plain identifier.
    database: check.database(v.database),
  };
  if (!flags.designs.every((d) => ["a", "b", "c", "d"].includes(d)))
    check.problem(`--designs must list some of a,b,c,d (got "${v.designs}")`);
  return check.done(flags);
}

/**
 * Which account sends each claim: every account once, and the claims beyond
 * that repeat an account — half at once (a double tap, in flight together
 * with the first), half anywhere later. The same sequence for every design.
 */
export function claimOrder(claims: number, accounts: number, seed: number): number[] {
  const random = randomSource(seed);
  const order = Array.from({ length: accounts }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  for (let extra = accounts; extra < claims; extra++) {
    const at = Math.floor(random() * order.length);
    const account = order[at];
    order.splice(random() < 0.5 ? at + 1 : at + 1 + Math.floor(random() * (order.length - at)), 0, account);
  }
  return order;
}
