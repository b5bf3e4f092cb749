/**
 * The requests each variant of the hotspot benchmark is given on one
 * deployment: the same targets and accounts for every variant, aimed at the
 * variant's own hospital, on that deployment's days.
 */
import type { Layout, Target } from "./layout";
import { requestMix } from "./layout";
import type { Shot } from "./load";
import type { Seeded } from "./seed";
import type { Variant } from "./variants";

const MIX_SEED = 20240801;

/** One pass of requests over a variant: the same dates, targets and tokens for every variant. */
export interface Run {
  date: string;
  targets: Target[];
  /** One account per request, so no patient meets ALREADY_BOOKED or the upcoming-appointments cap. */
  tokens: string[];
}

/** A warm-up day, then the measured day. */
export interface Runs {
  measured: Run;
  warm: Run;
}

/**
 * The measured requests use the first `requests` tokens, the warm-up the rest.
 * Another deployment reuses the accounts on days of its own: one more
 * upcoming booking each, still under the cap.
 */
export function runsOn(
  [measured, warm]: readonly [string, string],
  layout: Layout,
  counts: { requests: number; warmup: number },
  tokens: string[],
): Runs {
  return {
    measured: {
      date: measured,
      targets: requestMix(counts.requests, layout, MIX_SEED),
      tokens: tokens.slice(0, counts.requests),
    },
    warm: {
      date: warm,
      targets: requestMix(counts.warmup, layout, MIX_SEED + 1),
      tokens: tokens.slice(counts.requests),
    },
  };
}

/** The run's requests, aimed at the variant's own hospital. */
export function shots(variant: Variant, run: Run, seeded: Seeded): Shot[] {
  const { hospitalId, doctorIds } = seeded.doctorsOf[variant.key];
  return run.targets.map((target, i) => ({
    token: run.tokens[i],
    body: JSON.stringify({
      hospitalId,
      doctorId: doctorIds[target.doctor],
      date: run.date,
      start: target.start,
    }),
  }));
}
