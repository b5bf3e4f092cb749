/** bench:coupons' side-by-side table, the ratios to the product, and whether the issue's targets were met. */
import os from "node:os";
import type { CouponDesign } from "../alternatives/coupon-variants";
import type { ProducerPace } from "./coupon-checks";
import type { CpuShares } from "./cpu";
import type { LoadResult } from "./load";
import { quantile } from "./load";

/** What the database held for a design's campaign once the claims were drained. */
export interface CouponCheck {
  rows: number;
  /** Rows beyond the first for one account (the unique key should keep this 0). */
  duplicateRows: number;
  /** Seconds from the last answer until the rows stopped changing (or the wait gave up). */
  drainSeconds: number;
  drained: boolean;
}

export interface CouponOutcome {
  design: CouponDesign;
  quantity: number;
  load: LoadResult;
  check: CouponCheck;
  /** The design's own stock counter after the run (null for the ceiling). */
  counterLeft: number | null;
  /** Accounts that got more than one 201 from this design. */
  duplicateAccounts: number;
  cpu: CpuShares & { kafka: number };
}

export const COUPON_TARGETS = { speedupOverRowLock: 5 } as const;

const COLUMNS = [
  "design",
  "req/s",
  "issued/s",
  "p50 ms",
  "p95 ms",
  "p99 ms",
  "201",
  "counter",
  "rows",
  "over(201)",
  "over(rows)",
  "dup accts",
  "dup rows",
  "201 lost",
  "other",
];

const reqPerSec = (o: CouponOutcome) => o.load.latenciesMs.length / (o.load.elapsedMs / 1000);
/** Seconds from the start until the given share of the 201s had been answered. */
function issuedBy(o: CouponOutcome, share: number): number {
  const times: number[] = [];
  o.load.statusOf?.forEach((status, i) => {
    if (status === 201) times.push(o.load.doneAtMs?.[i] ?? 0);
  });
  times.sort((x, y) => x - y);
  return times.length === 0 ? NaN : times[Math.max(0, Math.ceil(share * times.length) - 1)] / 1000;
}
/** Seconds from the start until the last 201: how long the rush for the stock lasted. */
function issuedWithin(o: CouponOutcome): number {
  let last = 0;
  o.load.statusOf?.forEach((status, i) => {
    if (status === 201) last = Math.max(last, o.load.doneAtMs?.[i] ?? 0);
  });
  return last / 1000;
}
const issuedPerSec = (o: CouponOutcome) => (issuedWithin(o) > 0 ? created(o) / issuedWithin(o) : NaN);
const created = (o: CouponOutcome) => o.load.statuses.get(201) ?? 0;

export function printCouponReport(outcomes: CouponOutcome[], connections: number): void {
  const cells = outcomes.map((o) => {
    const sorted = o.load.latenciesMs.slice().sort();
    const issued = created(o);
    const speed = [
      `(${o.design.key}) ${o.design.label}`,
      reqPerSec(o).toFixed(0),
      o.design.ceiling ? "-" : issuedPerSec(o).toFixed(0),
      quantile(sorted, 0.5).toFixed(1),
      quantile(sorted, 0.95).toFixed(1),
      quantile(sorted, 0.99).toFixed(1),
      String(issued),
    ];
    if (o.design.ceiling) return [...speed, ...COLUMNS.slice(speed.length).map(() => "-")];
    return [
      ...speed,
      `${o.counterLeft ?? "?"} left`,
      `${o.check.rows}${o.check.drained ? "" : "?"}`,
      String(Math.max(0, issued - o.quantity)),
      String(Math.max(0, o.check.rows - o.quantity)),
      String(o.duplicateAccounts),
      String(o.check.duplicateRows),
      String(Math.max(0, issued - o.check.rows)),
      String(o.load.latenciesMs.length - issued),
    ];
  });
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ");
  console.log(line(COLUMNS));
  console.log(widths.map((w) => "-".repeat(w)).join("-+-"));
  for (const row of cells) console.log(line(row));
  console.log(
    "  issued/s: 201s per second from the start to the last 201 (the rush itself, before the stock ran out);\n" +
      "  counter: the design's own stock counter afterwards (below 0: it took more than it had; quantity − counter − rows:\n" +
      "  stock taken but never issued); over(201)/over(rows): 201s / persisted rows beyond --quantity;\n" +
      "  dup accts: accounts answered 201 twice; 201 lost: 201s with no row after the drain;\n" +
      "  rows marked ? were still changing when the wait ended.",
  );

  console.log("\nAnswers other than 201, by code; and the drain of rows after the last answer:");
  for (const o of outcomes) {
    const codes = [...o.load.errors].sort((x, y) => y[1] - x[1]);
    if (o.design.ceiling) {
      console.log(`  (${o.design.key}) ceiling, nothing issued${codes.length === 0 ? "" : ":"}`);
      for (const [code, n] of codes) console.log(`      ${code} ×${n}: ${o.load.samples.get(code)}`);
      continue;
    }
    if (o.counterLeft !== null) {
      const taken = o.quantity - o.counterLeft;
      const issued = created(o);
      console.log(
        `  (${o.design.key}) stock taken from the counter ${taken} of ${o.quantity}` +
          (taken > o.quantity ? ` — ${taken - o.quantity} MORE THAN IT HAD` : "") +
          (taken > issued ? `; ${taken - issued} taken but never issued (refused after the take)` : ""),
      );
    }
    console.log(
      `      201s answered by ${[0.5, 0.9, 0.99, 1].map((q) => `${issuedBy(o, q).toFixed(2)} s (${q * 100}%)`).join(", ")}`,
    );
    const drain = `${o.check.drained ? "settled" : "NOT settled"} ${o.check.drainSeconds.toFixed(1)} s after the last answer`;
    console.log(`      rows ${drain}`);
    for (const [code, n] of codes) console.log(`      ${code} ×${n}: ${o.load.samples.get(code)}`);
  }

  printCpu(outcomes);
  const a = outcomes.find((o) => o.design.key === "a");
  if (!a) return;
  console.log("\nProduct (a) relative to the others (req/s ratio; issued/s ratio):");
  for (const other of outcomes.filter((o) => o !== a)) {
    const issued = other.design.ceiling ? "   -  " : `${(issuedPerSec(a) / issuedPerSec(other)).toFixed(2)}×`;
    console.log(
      `  a/${other.design.key}  ${(reqPerSec(a) / reqPerSec(other)).toFixed(2)}×  ${issued}   (${other.design.label})`,
    );
  }
  printTargets(
    a,
    outcomes.find((o) => o.design.key === "b"),
    connections,
  );
}

function printCpu(outcomes: CouponOutcome[]): void {
  console.log(`\nCPU during the measured runs, % of one core (this machine has ${os.cpus().length}):`);
  const pct = (n: number, known = true) => (known ? `${n.toFixed(0)}%` : "?").padStart(4);
  for (const { design, cpu } of outcomes) {
    console.log(
      `  (${design.key}) server ${pct(cpu.server)}  load generator ${pct(cpu.client)}  ` +
        `MariaDB ${pct(cpu.database, cpu.pids.database !== null)}  Redis ${pct(cpu.redis, cpu.pids.redis !== null)}  ` +
        `Kafka mock ${pct(cpu.kafka)}  other processes ${pct(cpu.others)}`,
    );
  }
  const busiest = Math.max(0, ...outcomes.map((o) => o.cpu.others));
  if (busiest > 15)
    console.log(
      `  WARNING: other processes took up to ${busiest.toFixed(0)}% of a core; the numbers above are skewed.`,
    );
}

function printTargets(a: CouponOutcome, b: CouponOutcome | undefined, connections: number): void {
  console.log(`\nTargets (issue) at ${connections} connections:`);
  const verdict = (ok: boolean) => (ok ? "MET   " : "MISSED");
  console.log(
    `  ${verdict(created(a) === a.quantity)} a issues exactly ${a.quantity}: ${created(a)} answered 201`,
  );
  console.log(`  ${verdict(a.check.rows === a.quantity)} a persists ${a.quantity}: ${a.check.rows} rows`);
  if (b) {
    const speedup = reqPerSec(a) / reqPerSec(b);
    const rush = issuedPerSec(a) / issuedPerSec(b);
    console.log(
      `  ${verdict(rush >= COUPON_TARGETS.speedupOverRowLock)} a ≥ 5× b in issued/s (the rush): ${rush.toFixed(2)}×`,
    );
    console.log(
      `  ${verdict(speedup >= COUPON_TARGETS.speedupOverRowLock)} a ≥ 5× b in req/s: ${speedup.toFixed(2)}×`,
    );
  }
}

/** Says where (a)'s time went when it missed 5× (b): the busiest process, what one producer sends, the gateway's ceiling. */
export function printWhereTimeGoes(
  a: CouponOutcome,
  b: CouponOutcome,
  ceiling: CouponOutcome | undefined,
  probe: ProducerPace | null,
): void {
  const speedup = reqPerSec(a) / reqPerSec(b);
  const rush = issuedPerSec(a) / issuedPerSec(b);
  if (Math.min(speedup, rush) >= COUPON_TARGETS.speedupOverRowLock) return;
  const shares: [string, number][] = [
    ["the server process (gateway, token check, claim, Kafka client)", a.cpu.server],
    ["the load generator", a.cpu.client],
    ["MariaDB", a.cpu.database],
    ["Redis", a.cpu.redis],
    ["the Kafka mock (kcat)", a.cpu.kafka],
    ["other processes", a.cpu.others],
  ];
  const [busiest, share] = shares.sort((x, y) => y[1] - x[1])[0];
  const cores = os.cpus().length;
  const total = shares.reduce((sum, [, n]) => sum + n, 0);
  console.log(
    `\nNote — (a) reached ${speedup.toFixed(2)}× (b) in req/s and ${rush.toFixed(2)}× ` +
      "in issued/s, not 5×. Where its time went:",
  );
  console.log(
    `  busiest: ${busiest} at ${share.toFixed(0)}% of a core; all processes together ${total.toFixed(0)}% of ${cores * 100}%.`,
  );
  if (probe)
    console.log(
      `  (a) answered its 201s at a steady ${issuedPerSec(a).toFixed(0)}/s, though the same kind of producer (acks all, one ` +
        `request in flight, one message a send) manages ${probe.oneKey.toFixed(0)} sends/s on one key (${probe.spread.toFixed(0)} ` +
        `over 16 keys) from this idle process with ${probe.concurrent} waiting. In the server every claim of a campaign goes ` +
        "to one key and partition, one send at a time, and each send's answer waits its turn on an event loop that is busy " +
        "answering the sold-out claims arriving meanwhile (Redis already says no to them): batching waiting claims into one " +
        "send, or more requests in flight, is where (a)'s rush would gain.",
    );
  if (ceiling) {
    const needed = COUPON_TARGETS.speedupOverRowLock * reqPerSec(b);
    console.log(
      `  the gateway alone (d: token check, account lookup, a 201, nothing else) answered ${reqPerSec(ceiling).toFixed(0)} req/s; ` +
        `5× (b) needs ${needed.toFixed(0)} req/s` +
        (needed > reqPerSec(ceiling)
          ? ", more than any design can get through this gateway on this machine."
          : "."),
    );
  }
  if (total >= cores * 100 * 0.85)
    console.log(
      "  the machine's cores were saturated (other processes included): req/s of every design is bounded by CPU.",
    );
  console.log(
    `  only ${created(b)} of (b)'s ${b.load.latenciesMs.length} claims were 201s; the rest were sold-out or repeat ` +
      "answers, an UPDATE matching no row (no insert, nothing to flush at commit), so (b)'s rate is mostly theirs.",
  );
}
