/**
 * The search benchmark's query mix — the same strings for every design — and
 * its side-by-side table. Pure, seeded: one run's mix is the next run's.
 */
import { convertHangulToQwerty } from "es-hangul";
import { randomSource } from "../../scripts/demo/generate";
import { ROAD_NAMES, SEOUL_DISTRICTS } from "../../scripts/demo/korea";
import { choseongOf } from "../../services/search/korean";

export type QueryKind = "exact" | "prefix" | "infix" | "choseong" | "qwerty" | "department" | "place";

export interface MixQuery {
  kind: QueryKind;
  q: string;
}

/** Share of each kind in the mix (sums to 1). */
const SHARES: [QueryKind, number][] = [
  ["exact", 0.2],
  ["prefix", 0.2],
  ["infix", 0.2],
  ["choseong", 0.1],
  ["qwerty", 0.1],
  ["department", 0.1],
  ["place", 0.1],
];
const DEPARTMENT_WORDS = ["소아과", "이비과", "여성의학과", "내과", "피부과", "정형외과", "안과"];

/** `count` queries built from real hospital `names`. */
export function queryMix(names: readonly string[], count: number, seed: number): MixQuery[] {
  const rng = randomSource(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
  return Array.from({ length: count }, (): MixQuery => {
    let r = rng();
    const kind = SHARES.find(([, share]) => (r -= share) < 0)?.[0] ?? "infix";
    const name = [...pick(names)];
    const start = Math.floor(rng() * Math.max(1, name.length - 2));
    switch (kind) {
      case "exact":
        return { kind, q: name.join("") };
      case "prefix":
        return { kind, q: name.slice(0, 2).join("") };
      case "infix":
        return { kind, q: name.slice(start + 1, start + 3).join("") || name.join("") };
      case "choseong":
        return { kind, q: choseongOf(name.slice(0, 3).join("")) || "ㅎㅂ" };
      case "qwerty":
        return { kind, q: convertHangulToQwerty(name.slice(0, 2).join("")) };
      case "department":
        return { kind, q: pick(DEPARTMENT_WORDS) };
      case "place":
        return { kind, q: rng() < 0.5 ? pick(SEOUL_DISTRICTS).name : pick(ROAD_NAMES) };
    }
  });
}

export interface DesignResult {
  design: string;
  /** Per-query latencies in ms. */
  latencies: number[];
  /** Queries that found at least one hospital. */
  answered: number;
  buildMs: number | null;
  memoryMb: number | null;
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];

const cell = (v: number | null, digits = 2) => (v === null || Number.isNaN(v) ? "—" : v.toFixed(digits));

/** One row per design, with its p50 speed-up over `baseline`'s p50. */
export function printTable(title: string, results: readonly DesignResult[], baseline: string): void {
  const base = results.find((r) => r.design === baseline);
  const baseP50 = base
    ? quantile(
        [...base.latencies].sort((a, b) => a - b),
        0.5,
      )
    : NaN;
  const rows = results.map((r) => {
    const sorted = [...r.latencies].sort((a, b) => a - b);
    const p50 = quantile(sorted, 0.5);
    return [
      r.design,
      cell(p50, 3),
      cell(quantile(sorted, 0.99), 3),
      `${cell(baseP50 / p50, 1)}×`,
      `${r.answered}/${r.latencies.length}`,
      cell(r.buildMs, 0),
      cell(r.memoryMb, 1),
    ];
  });
  const header = ["design", "p50 ms", "p99 ms", `p50 vs ${baseline}`, "found", "build ms", "heap MB"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cols: string[]) =>
    cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  rows.forEach((row) => console.log(line(row)));
}

/** p50 per query kind and design (latencies are in mix order). */
export function printKinds(mix: readonly MixQuery[], results: readonly DesignResult[]): void {
  const kinds = [...new Set(mix.map((m) => m.kind))];
  const header = ["p50 ms by kind", ...kinds.map((k) => `${k} (${mix.filter((m) => m.kind === k).length})`)];
  const rows = results.map((r) => [
    r.design,
    ...kinds.map((k) => {
      const sorted = r.latencies.filter((_, i) => mix[i].kind === k).sort((a, b) => a - b);
      return cell(quantile(sorted, 0.5), 3);
    }),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cols: string[]) =>
    cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(line(header));
  rows.forEach((row) => console.log(line(row)));
}
