/** The side-by-side table, the ratios to the engine, and whether the targets were met. */
import os from "node:os";
import type { SeatCheck } from "./checks";
import type { CpuShares } from "./cpu";
import type { LoadResult } from "./load";
import { quantile } from "./load";
import type { Variant, VariantKey } from "./variants";

export interface Outcome {
  variant: Variant;
  load: LoadResult;
  seats: SeatCheck | null;
  cpu: CpuShares;
}

export interface Summary {
  key: VariantKey;
  label: string;
  reqPerSec: number;
  bookedPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  created: number;
  conflicts: number;
  other: number;
  seats: SeatCheck | null;
  errors: Map<string, number>;
  samples: Map<string, string>;
  cpu: CpuShares;
}

export const TARGETS = { speedupOverForUpdate: 5, p99Ms: 100, connections: 256 } as const;

export function summarize({ variant, load, seats, cpu }: Outcome): Summary {
  const sorted = load.latenciesMs.slice().sort();
  const count = (status: number) => load.statuses.get(status) ?? 0;
  const seconds = load.elapsedMs / 1000;
  return {
    key: variant.key,
    label: variant.label,
    reqPerSec: load.latenciesMs.length / seconds,
    bookedPerSec: count(201) / seconds,
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    created: count(201),
    conflicts: count(409),
    other: load.latenciesMs.length - count(201) - count(409),
    seats,
    errors: load.errors,
    samples: load.samples,
    cpu,
  };
}

const COLUMNS = [
  "variant",
  "req/s",
  "booked/s",
  "p50 ms",
  "p95 ms",
  "p99 ms",
  "201",
  "409",
  "other",
  "sold(db)",
  "oversold",
];

export function printReport(outcomes: Outcome[], connections: number): void {
  const rows = outcomes.map(summarize);
  const cells = rows.map((r) => [
    `(${r.key}) ${r.label}`,
    r.reqPerSec.toFixed(0),
    r.bookedPerSec.toFixed(0),
    r.p50.toFixed(1),
    r.p95.toFixed(1),
    r.p99.toFixed(1),
    String(r.created),
    String(r.conflicts),
    String(r.other),
    r.seats ? String(r.seats.sold) : "-",
    r.seats ? String(r.seats.oversold) : "-",
  ]);
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ");
  console.log(line(COLUMNS));
  console.log(widths.map((w) => "-".repeat(w)).join("-+-"));
  for (const row of cells) console.log(line(row));

  console.log("\nAnswers other than 201, by code:");
  for (const r of rows) {
    const codes = [...r.errors].sort((x, y) => y[1] - x[1]);
    console.log(`  (${r.key})${codes.length === 0 ? " none" : ""}`);
    for (const [code, n] of codes) console.log(`      ${code} ×${n}: ${r.samples.get(code)}`);
    // Every 201 must be a seat in the database and every seat a 201; anything else is a lost or phantom booking.
    if (r.seats && r.seats.sold !== r.created) {
      console.log(`      MISMATCH: ${r.created} answered 201 but ${r.seats.sold} seats are in the database`);
    }
  }

  printCpu(rows);

  const byKey = new Map(rows.map((r) => [r.key, r]));
  const a = byKey.get("a");
  if (!a) return;
  console.log("\nEngine (a) relative to the others (req/s ratio; booked/s ratio):");
  for (const key of ["b", "c", "d"] as const) {
    const other = byKey.get(key);
    if (!other) continue;
    const booked = other.bookedPerSec > 0 ? `${(a.bookedPerSec / other.bookedPerSec).toFixed(2)}×` : "n/a";
    console.log(`  a/${key}  ${(a.reqPerSec / other.reqPerSec).toFixed(2)}×  ${booked}   (${other.label})`);
  }
  printTargets(a, byKey.get("b"), connections);
  printLatencyFloor(connections, byKey.get("d"));
}

function printCpu(rows: Summary[]): void {
  console.log(`\nCPU during the measured runs, % of one core (this machine has ${os.cpus().length}):`);
  const pct = (n: number, known = true) => (known ? `${n.toFixed(0)}%` : "?").padStart(4);
  for (const { key, cpu } of rows) {
    // A cluster names each of its processes; one server is just "server".
    const nodes = Object.entries(cpu.nodes);
    const servers =
      nodes.length > 0 ? nodes.map(([name, n]) => `${name} ${pct(n)}`) : [`server ${pct(cpu.server)}`];
    console.log(
      `  (${key}) ${servers.join("  ")}  load generator ${pct(cpu.client)}  ` +
        `MariaDB ${pct(cpu.database, cpu.pids.database !== null)}  Redis ${pct(cpu.redis, cpu.pids.redis !== null)}  ` +
        `other processes ${pct(cpu.others)}`,
    );
  }
  // Only meaningful when MariaDB and Redis were told apart from the rest.
  const measurable = rows.filter((r) => r.cpu.pids.database !== null && r.cpu.pids.redis !== null);
  printCpuPerRequest(measurable);
  const busiest = Math.max(0, ...measurable.map((r) => r.cpu.others));
  if (busiest > 15) {
    console.log(
      `  WARNING: other processes took up to ${busiest.toFixed(0)}% of a core; the numbers above are skewed.`,
    );
  }
}

/** µs of one core per request, from a share (% of one core) held at `reqPerSec`. */
const microsPerRequest = (share: number, reqPerSec: number) => (share * 10_000) / reqPerSec;

/**
 * What each request cost the machine, summed over the server, MariaDB and Redis: the comparison
 * that does not depend on how many cores there are to spread it over. On two cores shared with
 * the load generator, a design that ships its work to MariaDB's process (b, c) gains throughput
 * from the second core; per request it still costs what it costs.
 */
function printCpuPerRequest(rows: Summary[]): void {
  if (rows.length === 0) return;
  console.log("\nCPU per request, µs of one core (server + MariaDB + Redis = total; lower is better):");
  const totals = new Map<VariantKey, number>();
  for (const { key, cpu, reqPerSec } of rows) {
    const [server, database, redis] = [cpu.server, cpu.database, cpu.redis].map((share) =>
      microsPerRequest(share, reqPerSec),
    );
    const total = server + database + redis;
    totals.set(key, total);
    const us = (n: number) => n.toFixed(0).padStart(5);
    console.log(`  (${key}) ${us(server)} + ${us(database)} + ${us(redis)} = ${us(total)}`);
  }
  const a = totals.get("a");
  if (a === undefined) return;
  const ratios = [...totals].filter(([key]) => key !== "a" && key !== "d");
  if (ratios.length > 0)
    console.log(
      `  a costs ${ratios.map(([key, t]) => `${(t / a).toFixed(2)}× less than ${key}`).join(", ")}`,
    );
}

function printTargets(a: Summary, b: Summary | undefined, connections: number): void {
  const note =
    connections === TARGETS.connections ? "" : ` (targets are set for ${TARGETS.connections} connections)`;
  console.log(`\nTargets at ${connections} connections${note}:`);
  const verdict = (ok: boolean) => (ok ? "MET   " : "MISSED");
  if (b) {
    const speedup = a.bookedPerSec / b.bookedPerSec;
    const ok = speedup >= TARGETS.speedupOverForUpdate;
    console.log(
      `  ${verdict(ok)} a ≥ ${TARGETS.speedupOverForUpdate}× b in bookings/s: ${speedup.toFixed(2)}×`,
    );
  }
  console.log(`  ${verdict(a.p99 <= TARGETS.p99Ms)} a p99 ≤ ${TARGETS.p99Ms} ms: ${a.p99.toFixed(1)} ms`);
  const oversold = a.seats?.oversold ?? NaN;
  console.log(`  ${verdict(oversold === 0)} a oversold = 0: ${oversold}`);
}

/**
 * With a closed loop, mean latency = connections / throughput (Little's law),
 * so a latency target is also a throughput target; the no-op route shows
 * what the gateway alone allows on this machine.
 */
function printLatencyFloor(connections: number, ceiling: Summary | undefined): void {
  const needed = connections / (TARGETS.p99Ms / 1000);
  const seen = ceiling ? `; the no-op route (d) reached ${ceiling.reqPerSec.toFixed(0)} req/s here` : "";
  console.log(
    `  note: with ${connections} connections each waiting for its answer, even the mean latency is ` +
      `${connections} / (req/s), so p99 ≤ ${TARGETS.p99Ms} ms needs more than ${needed.toFixed(0)} req/s${seen}.`,
  );
}
