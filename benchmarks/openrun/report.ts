/** The open-run comparison: one row per mode, then what the parents were told, by code. */
import type { OpenRunFlags, OpenRunMode } from "./flags";
import type { Answered, Final } from "./patient";

export interface RunResult {
  /** Admission off or on, or the no-op route (nothing sold: the gateway's ceiling). */
  mode: OpenRunMode;
  /** Each parent's last answer, in arrival order. */
  finals: Final[];
  answers: Answered[];
  /** When the last parent arrived, and when the last one was answered, from the first arrival. */
  arrivedMs: number;
  doneMs: number;
  /** CPU time (user + system) the server used from the first arrival to the last answer. */
  cpuMicros: number;
  /** Seats held in the database after the run (must equal the 201s). */
  soldInDb: number;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const isTimeout = (f: Final) =>
  f.code === "CLIENT_TIMEOUT" || f.code === "REQUEST_TIMEOUT" || f.status === 504;

export function printOpenRun(results: RunResult[], flags: OpenRunFlags): void {
  const header = [
    "mode",
    "sold",
    "sold(db)",
    `first ${flags.first}`,
    "time-outs",
    "5xx",
    "202s",
    "polls",
    "p50 ms",
    "p99 ms",
    "p99 book",
    "p99 poll",
    "arrived s",
    "done s",
    "CPU µs/answer",
  ];
  const rows = results.map((r) => {
    // The no-op route sells nothing: its 201s are not seats.
    const seats = (finals: Final[]) =>
      r.mode === "noop" ? "-" : String(finals.filter((f) => f.status === 201).length);
    const all = r.answers.filter((a) => a.status > 0).map((a) => a.ms);
    const book = r.answers.filter((a) => a.kind === "book" && a.status > 0).map((a) => a.ms);
    const poll = r.answers.filter((a) => a.kind === "poll" && a.status > 0).map((a) => a.ms);
    return [
      r.mode === "noop" ? "no-op route" : `admission ${r.mode}`,
      seats(r.finals),
      r.mode === "noop" ? "-" : String(r.soldInDb),
      seats(r.finals.slice(0, flags.first)),
      String(r.finals.filter(isTimeout).length),
      String(r.answers.filter((a) => a.status >= 500).length),
      String(r.answers.filter((a) => a.status === 202).length),
      String(poll.length),
      percentile(all, 50).toFixed(1),
      percentile(all, 99).toFixed(1),
      percentile(book, 99).toFixed(1),
      poll.length ? percentile(poll, 99).toFixed(1) : "-",
      (r.arrivedMs / 1000).toFixed(1),
      (r.doneMs / 1000).toFixed(1),
      (r.cpuMicros / Math.max(1, r.answers.length)).toFixed(0),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("-+-"));
  for (const row of rows) console.log(line(row));
  console.log(
    `\n  sold: 201 answers; first ${flags.first}: seats that went to the first ${flags.first} arrivals (at most ` +
      `${Math.min(flags.first, 100)}); time-outs: the parent gave up or got 503 REQUEST_TIMEOUT; 5xx: every 5xx answer; ` +
      `p50/p99: every answer, 202s and polls included; ` +
      `CPU µs/answer: the server's CPU time over the run, per answer it gave.`,
  );
  console.log("\nWhat the parents were told last, by code:");
  for (const r of results) {
    const codes = new Map<string, number>();
    for (const f of r.finals)
      codes.set(`${f.status} ${f.code}`, (codes.get(`${f.status} ${f.code}`) ?? 0) + 1);
    const listed = [...codes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ×${n}`);
    console.log(`  ${r.mode.padEnd(4)}: ${listed.join(", ")}`);
  }
  console.log("\nTargets (issue 12), with admission on:");
  const on = results.find((r) => r.mode === "on");
  if (!on) return;
  const timeouts = on.finals.filter(isTimeout).length;
  const fivexx = on.answers.filter((a) => a.status >= 500).length;
  const p99 = percentile(
    on.answers.filter((a) => a.status > 0).map((a) => a.ms),
    99,
  );
  const mark = (ok: boolean) => (ok ? "MET   " : "MISSED");
  console.log(`  ${mark(timeouts === 0)} no time-outs: ${timeouts}`);
  console.log(`  ${mark(fivexx === 0)} no 5xx: ${fivexx}`);
  console.log(`  ${mark(p99 <= 200)} p99 of every answer ≤ 200 ms: ${p99.toFixed(1)} ms`);
}
