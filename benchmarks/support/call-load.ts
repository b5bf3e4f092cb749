/**
 * In-process load for benchmarks that call actions on a local broker: a
 * closed loop of reads (each caller waits for its answer before the next),
 * and a booking stream that keeps a day busy in the background meanwhile.
 */
import { performance } from "node:perf_hooks";
import type { ServiceBroker } from "moleculer";
import { quantile } from "./load";

export interface CallRun {
  elapsedMs: number;
  latenciesMs: Float64Array;
  /** Error type (or name) → count, for calls that threw. */
  failures: Map<string, number>;
}

export interface CallSummary {
  perSec: number;
  p50: number;
  p99: number;
}

const failureName = (err: unknown): string =>
  (err as { type?: string }).type ?? (err as Error).name ?? String(err);

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/** `concurrency` callers with one call in flight each, until `count` calls have been answered. */
export async function runCalls(
  count: number,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
): Promise<CallRun> {
  const run: CallRun = { elapsedMs: 0, latenciesMs: new Float64Array(count), failures: new Map() };
  let next = 0;
  const caller = async () => {
    for (let i = next++; i < count; i = next++) {
      const began = performance.now();
      try {
        await call(i);
      } catch (err) {
        bump(run.failures, failureName(err));
      }
      run.latenciesMs[i] = performance.now() - began;
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, caller));
  run.elapsedMs = performance.now() - began;
  return run;
}

export function summarizeCalls(run: CallRun): CallSummary {
  const sorted = run.latenciesMs.slice().sort();
  return {
    perSec: run.latenciesMs.length / (run.elapsedMs / 1000),
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
  };
}

/** One booking the stream sends: `day.book`'s params but the day key. */
export interface BookingShot {
  doctorId: number;
  start: string;
  patientId: number;
  accountId: number;
  holdSeconds?: number;
}

export interface BookingTally {
  elapsedMs: number;
  booked: number;
  /** Error type → count: refusals and faults. */
  refused: Map<string, number>;
  /** The stream ran out of shots before it was stopped. */
  ranDry: boolean;
}

/**
 * Sends `shots` to the day's actor through `day.book`, `concurrency` at a
 * time, until stopped (or out of shots); `stop` waits for the calls in flight.
 */
export function startBookings(
  broker: ServiceBroker,
  dayKey: string,
  shots: readonly BookingShot[],
  concurrency: number,
): { stop(): Promise<BookingTally> } {
  const tally: BookingTally = { elapsedMs: 0, booked: 0, refused: new Map(), ranDry: false };
  let stopped = false;
  let next = 0;
  const booker = async () => {
    while (!stopped && next < shots.length) {
      try {
        await broker.call("day.book", { dayKey, ...shots[next++] });
        tally.booked++;
      } catch (err) {
        bump(tally.refused, failureName(err));
      }
    }
  };
  const began = performance.now();
  const running = Promise.all(Array.from({ length: concurrency }, booker));
  return {
    async stop() {
      tally.ranDry = next >= shots.length;
      stopped = true;
      await running;
      tally.elapsedMs = performance.now() - began;
      return tally;
    },
  };
}
