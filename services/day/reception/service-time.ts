/**
 * How long a doctor takes per patient, learnt from real called→done
 * durations: the median of the most recent ones (robust to the patient who
 * took 50 minutes and the one who left after 1), clamped to sane bounds, and
 * blended with a default while there are few samples. Pure.
 */

export const MAX_SAMPLES = 40;
const MIN_MINUTES = 1;
const MAX_MINUTES = 60;
/** Samples needed before the learnt median stands on its own. */
const CONFIDENT_AFTER = 5;

/** Adds one observed duration (minutes), keeping the most recent MAX_SAMPLES. */
export function recordSample(samples: readonly number[], minutes: number): number[] {
  const bounded = Math.min(Math.max(minutes, 0.25), 4 * MAX_MINUTES);
  return [...samples, bounded].slice(-MAX_SAMPLES);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Minutes per patient for a doctor with these samples; `fallback` for a doctor we know nothing of. */
export function serviceMinutes(samples: readonly number[], fallback: number): number {
  if (samples.length === 0) return fallback;
  const learnt = median(samples);
  const weight = Math.min(samples.length / CONFIDENT_AFTER, 1);
  const blended = weight * learnt + (1 - weight) * fallback;
  return Math.min(Math.max(blended, MIN_MINUTES), MAX_MINUTES);
}
