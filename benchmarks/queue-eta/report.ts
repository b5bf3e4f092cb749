/** Error statistics over scored predictions, and plain fixed-width tables to print them side by side. */
import type { DayResult, Moment, Observation } from "./clinic";

export interface ErrorStats {
  count: number;
  /** Mean absolute error, minutes. */
  mae: number;
  p50: number;
  p90: number;
  /** Mean signed error (predicted − actual): negative means the estimate promised too short a wait. */
  bias: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.ceil(i)] - sorted[lo]) * (i - lo);
}

export function errorStats(observations: readonly Observation[], estimator: number): ErrorStats {
  const signed = observations.map((o) => o.predicted[estimator] - o.actual);
  const abs = signed.map(Math.abs).sort((a, b) => a - b);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(xs.length, 1);
  return {
    count: abs.length,
    mae: mean(abs),
    p50: quantile(abs, 0.5),
    p90: quantile(abs, 0.9),
    bias: mean(signed),
  };
}

/** A scenario phase (cold first days, or warm days) pooled over its simulated days. */
export interface Phase {
  label: string;
  days: DayResult[];
}

export const observationsAt = (phase: Phase, moment: Moment) =>
  phase.days.flatMap((d) => d.observations.filter((o) => o.moment === moment));

export function dayFacts(phase: Phase): string {
  const n = phase.days.length;
  const per = (f: (d: DayResult) => number) => (phase.days.reduce((s, d) => s + f(d), 0) / n).toFixed(1);
  const waits = observationsAt(phase, "taken").map((o) => o.actual);
  const meanWait = waits.reduce((s, w) => s + w, 0) / Math.max(waits.length, 1);
  return (
    `${per((d) => d.taken)} tickets/day, ${per((d) => d.refused)} turned away, ` +
    `${per((d) => d.noShows)} no-shows, peak queue ${per((d) => d.peakWaiting)}, ` +
    `mean wait ${meanWait.toFixed(1)} min, overtime ${per((d) => Math.max(d.overtime, 0))} min`
  );
}

export const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "-");

export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(line(headers));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
}
