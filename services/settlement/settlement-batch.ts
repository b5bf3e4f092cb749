/**
 * The daily settlement batch for one date: keyset chunks of hospitals by id,
 * each aggregated in the database, written with one multi-row upsert and
 * checkpointed in the same transaction. A run that dies resumes after its last
 * committed chunk; a run over a finished date recomputes and changes nothing.
 * It takes no lock: callers run it under `withSettlementLock`.
 */
import type { Sequelize } from "sequelize";
import { isValidDate } from "../../platform/time";
import type { SettlementTotals } from "./settlement-rules";
import { NO_PAYMENTS, totalsOf } from "./settlement-rules";
import type { HospitalRefunds, HospitalSums, SettlementRow } from "./settlement-store";
import { SettlementStore } from "./settlement-store";

export const DEFAULT_CHUNK_SIZE = 1000;

export interface SettleProgress {
  /** Hospitals settled so far for the date, including those of an earlier, interrupted run. */
  done: number;
  total: number;
}

export interface SettleOptions {
  /** Hospitals per chunk (per upsert and checkpoint). */
  chunkSize?: number;
  /** Epoch ms for `settled_at` and the run's timestamps. */
  now?: () => number;
  /** Called after each committed chunk; a throw stops the run there (its chunks stay committed). */
  onProgress?: (progress: SettleProgress) => void | Promise<void>;
}

export interface SettleResult {
  date: string;
  /** The checkpoint this run started after (0 for a fresh start). */
  resumedAfter: number;
  /** Hospital rows written by this run, and chunks committed. */
  written: number;
  chunks: number;
  /** The whole day, all hospitals, as now stored. */
  totals: SettlementTotals & { hospitals: number };
}

/**
 * Settles `date` (YYYY-MM-DD, hospital-local) for every hospital with a settled
 * payment or a refund that day.
 */
export async function settleDate(
  sequelize: Sequelize,
  date: string,
  options: SettleOptions = {},
): Promise<SettleResult> {
  if (!isValidDate(date)) throw new RangeError(`Not a calendar date: "${date}"`);
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const now = options.now ?? Date.now;
  const store = new SettlementStore(sequelize);
  const resumedAfter = await store.beginRun(date, now());
  const progress = await store.countHospitals(date, resumedAfter);
  let checkpoint = resumedAfter;
  let written = 0;
  let chunks = 0;
  for (;;) {
    const [payments, refunds] = await Promise.all([
      store.paymentSums(date, checkpoint, chunkSize),
      store.refundSums(date, checkpoint, chunkSize),
    ]);
    const { rows, last } = chunkRows(payments, refunds, chunkSize);
    if (rows.length === 0) break;
    const next = rows[rows.length - 1].hospitalId;
    await store.commitChunk(date, rows, next, now());
    checkpoint = next;
    written += rows.length;
    chunks += 1;
    progress.done += rows.length;
    await options.onProgress?.({ ...progress });
    if (last) break;
  }
  await store.finishRun(date, now());
  return { date, resumedAfter, written, chunks, totals: await store.dayTotals(date) };
}

/**
 * Joins one page of payment sums and one of refund sums into the chunk's rows.
 * A full page may stop before the other page's last hospital, so the chunk
 * ends at the lower of the full pages' last ids: every hospital up to that
 * bound is then complete in both pages. With neither page full, this is the
 * last chunk.
 */
export function chunkRows(
  payments: readonly HospitalSums[],
  refunds: readonly HospitalRefunds[],
  limit: number,
): { rows: SettlementRow[]; last: boolean } {
  const bounds = [payments, refunds]
    .filter((page) => page.length >= limit)
    .map((page) => page[page.length - 1].hospitalId);
  const upTo = bounds.length > 0 ? Math.min(...bounds) : Infinity;
  const refunded = new Map(refunds.filter((r) => r.hospitalId <= upTo).map((r) => [r.hospitalId, r.refunds]));
  const sums = new Map(payments.filter((p) => p.hospitalId <= upTo).map((p) => [p.hospitalId, p]));
  const ids = [...new Set([...sums.keys(), ...refunded.keys()])].sort((a, b) => a - b);
  const rows = ids.map((hospitalId) => ({
    hospitalId,
    ...totalsOf(sums.get(hospitalId) ?? NO_PAYMENTS, refunded.get(hospitalId) ?? 0),
  }));
  return { rows, last: upTo === Infinity };
}
