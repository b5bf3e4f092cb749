/** A seeded PRNG and the draws the clinic needs, so every run with one seed replays the same days. */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Minutes until the next arrival of a Poisson process with `perHour` arrivals an hour. */
  exponential(perHour: number): number;
  /** A lognormal duration: `median` minutes, log-scale spread `sigma`. */
  lognormal(median: number, sigma: number): number;
}

/** mulberry32: tiny, fast, and good enough for a simulation. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return {
    next,
    exponential: (perHour) => (-Math.log(1 - next()) * 60) / perHour,
    lognormal: (median, sigma) => median * Math.exp(sigma * normal()),
  };
}

/** One independent seed per (run seed, scenario, day), so adding a scenario does not reshuffle the others. */
export function deriveSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x01000193);
    h ^= h >>> 13;
  }
  return h >>> 0;
}
