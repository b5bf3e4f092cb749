/** Closed-loop load for cluster tests: `concurrency` requests in flight until all have answered. */

/**
 * Runs `send` over every item with at most `concurrency` in flight.
 * `onAnswered(count)` runs after each answer, so a test can act at a point
 * of progress (stop a node a quarter of the way through).
 */
export async function runLoad<T, R>(
  items: readonly T[],
  concurrency: number,
  send: (item: T, index: number) => Promise<R>,
  onAnswered: (answered: number) => void = () => undefined,
  /** At most this many sends a second (item i waits for i / rate s), so the load spans a failover. */
  ratePerSecond = Infinity,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  const began = Date.now();
  let next = 0;
  let answered = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      const wait = began + (i * 1000) / ratePerSecond - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      results[i] = await send(items[i], i);
      onAnswered(++answered);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

/** Counts per label, most frequent first, as one printable line each. */
export function tally(labels: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Nearest-rank quantile (0..1) of `values`. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** A small seeded PRNG (mulberry32) in [0, 1), so every run sends the same requests. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
