/** bench:availability's side-by-side table (idle day | day taking bookings) and its checks. */
import type { DoctorAvailability } from "../../services/day/decisions/availability";
import type { BookingTally, CallRun } from "./call-load";
import { summarizeCalls } from "./call-load";
import { formatTable } from "./table";

export interface MethodResult {
  key: string;
  label: string;
  idle: CallRun;
  busy: CallRun;
  /** The bookings that ran beside the busy reads. */
  bookings: BookingTally;
  /** For the copy: reads it answered and reads that went to the actor, per column. */
  copy?: { idle: [number, number]; busy: [number, number] };
}

/** Half the broker's 10 s request timeout: a read this slow was not queued but lost, then retried. */
const STALL_MS = 5000;

const HEADER = [
  "method",
  "idle reads/s",
  "p50 ms",
  "p99 ms",
  "vs a",
  "busy reads/s",
  "p50 ms",
  "p99 ms",
  "vs a",
  "booked",
  "bookings/s",
];

export function printAvailabilityTable(results: readonly MethodResult[]): void {
  const base = results.find((r) => r.key === "a");
  const baseIdle = base ? summarizeCalls(base.idle).perSec : NaN;
  const baseBusy = base ? summarizeCalls(base.busy).perSec : NaN;
  const rows = results.map((r) => {
    const idle = summarizeCalls(r.idle);
    const busy = summarizeCalls(r.busy);
    const booked = r.bookings.booked / (r.bookings.elapsedMs / 1000);
    return [
      `(${r.key}) ${r.label}`,
      idle.perSec.toFixed(0),
      idle.p50.toFixed(2),
      idle.p99.toFixed(2),
      `${(idle.perSec / baseIdle).toFixed(2)}×`,
      busy.perSec.toFixed(0),
      busy.p50.toFixed(2),
      busy.p99.toFixed(2),
      `${(busy.perSec / baseBusy).toFixed(2)}×`,
      String(r.bookings.booked),
      `${booked.toFixed(0)}${r.bookings.ranDry ? " (ran dry)" : ""}`,
    ];
  });
  for (const line of formatTable(HEADER, rows)) console.log(line);

  for (const r of results) {
    const failed = [...r.idle.failures, ...r.busy.failures].map(([name, n]) => `${name} ×${n}`);
    const refused = [...r.bookings.refused].map(([name, n]) => `${name} ×${n}`);
    if (failed.length > 0) console.log(`  (${r.key}) failed reads: ${failed.join(", ")}`);
    const stalled = [r.idle, r.busy].map((run) => run.latenciesMs.filter((ms) => ms > STALL_MS).length);
    if (stalled.some((n) => n > 0))
      console.log(
        `  (${r.key}) reads slower than ${STALL_MS / 1000} s: idle ${stalled[0]}, busy ${stalled[1]} ` +
          `(each waited out the request timeout; the broker's retry answered it)`,
      );
    if (refused.length > 0) console.log(`  (${r.key}) bookings refused: ${refused.join(", ")}`);
    if (r.copy) {
      const [idleHits, idleMisses] = r.copy.idle;
      const [busyHits, busyMisses] = r.copy.busy;
      console.log(
        `  (${r.key}) answered from the copy: idle ${idleHits}, busy ${busyHits}; ` +
          `no valid copy, asked the actor: idle ${idleMisses}, busy ${busyMisses}`,
      );
    }
  }
}

/** `doctorId start` → seats booked, over the whole day. */
export function bookedCounts(doctors: readonly DoctorAvailability[]): Map<string, number> {
  return new Map(
    doctors.flatMap((d) => d.slots.map((s): [string, number] => [`${d.doctorId} ${s.start}`, s.booked])),
  );
}

/** Where each answer's booked counts differ from the first's; empty when they all agree. */
export function disagreements(answers: Record<string, readonly DoctorAvailability[]>): string[] {
  const [[firstKey, first], ...others] = Object.entries(answers).map(
    ([key, doctors]): [string, Map<string, number>] => [key, bookedCounts(doctors)],
  );
  const found: string[] = [];
  for (const [key, counts] of others) {
    const slots = new Set([...first.keys(), ...counts.keys()]);
    for (const slot of slots)
      if (first.get(slot) !== counts.get(slot))
        found.push(`${slot}: (${firstKey}) ${first.get(slot)} vs (${key}) ${counts.get(slot)}`);
  }
  return found;
}
