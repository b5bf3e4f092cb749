/**
 * How good is the reception wait estimate (`places().etaMinutes`)? Simulated
 * clinic days driven through the engine's own queue commands, with Poisson
 * walk-ins, lognormal visit lengths per doctor and no-shows; every estimate is
 * scored against the minute the ticket was really called, beside the naive
 * "position × 10 minutes" of today's apps, in one run.
 *
 *   npm run bench:queue-eta -- --seed 20250303 --days 4   (--days 20 for tighter numbers, ~30 s)
 *
 * Cold: independent first days, no learnt samples (the default pace stands in).
 * Warm: after one unscored day, samples carry over from day to day per doctor,
 * as the engine keeps them.
 */
import { addDays } from "../platform/time";
import { parseFlags } from "./queue-eta/flags";
import type { DayResult, Estimator, SimParams } from "./queue-eta/clinic";
import { capacityPerHour, simulateDay } from "./queue-eta/clinic";
import { deriveSeed, seeded } from "./queue-eta/random";
import type { ErrorStats, Phase } from "./queue-eta/report";
import { dayFacts, errorStats, fmt, observationsAt, printTable } from "./queue-eta/report";
import type { Scenario } from "./queue-eta/scenarios";
import { SCENARIOS } from "./queue-eta/scenarios";
import type { WhatIf } from "./queue-eta/what-if";
import { projectedWaits } from "./queue-eta/what-if";

const FIRST_DATE = "2025-03-03";
const NAIVE_MINUTES = 10;

const whatIf = (label: string, opts: WhatIf): Estimator => ({
  label,
  estimate: (view) => projectedWaits(view, opts),
});

const ESTIMATORS: Estimator[] = [
  {
    label: "ours",
    estimate: ({ places }) => new Map([...places].map(([id, p]) => [id, p.etaMinutes])),
  },
  {
    label: "naive pos×10",
    estimate: ({ places }) => new Map([...places].map(([id, p]) => [id, p.position * NAIVE_MINUTES])),
  },
  {
    label: "naive (pos−1)×10",
    estimate: ({ places }) => new Map([...places].map(([id, p]) => [id, (p.position - 1) * NAIVE_MINUTES])),
  },
  whatIf("F1 schedule", { inRoom: false, meanPace: false, breaks: false }),
  whatIf("F2 +in room", { inRoom: true, meanPace: false, breaks: false }),
  whatIf("F3 +mean pace", { inRoom: true, meanPace: true, breaks: false }),
  whatIf("F4 +breaks", { inRoom: true, meanPace: true, breaks: true }),
];
const [OURS, NAIVE] = [0, 1];

function runPhases(s: Scenario, index: number, seed: number, days: number, params: SimParams): Phase[] {
  const day = (date: number, samples: Map<number, number[]>, stream: number): DayResult =>
    simulateDay(
      s,
      addDays(FIRST_DATE, date),
      samples,
      params,
      seeded(deriveSeed(seed, index, stream, date)),
      ESTIMATORS,
    );
  const cold = Array.from({ length: days }, (_, i) => day(i, new Map(), 0));
  const carried = new Map<number, number[]>();
  day(0, carried, 1);
  const warm = Array.from({ length: days }, (_, i) => day(i + 1, carried, 1));
  return [
    { label: "cold day 1", days: cold },
    { label: `warm days 2-${days + 1}`, days: warm },
  ];
}

const cells = (e: ErrorStats) => [fmt(e.mae), fmt(e.p50), fmt(e.p90), fmt(e.bias)];

function main(): void {
  const started = performance.now();
  const flags = parseFlags(process.argv.slice(2));
  const params: SimParams = { ...flags, noShowWaitMinutes: 2, refreshMinutes: 30 };
  console.log(
    `$ npm run bench:queue-eta -- --seed ${flags.seed} --days ${flags.days} --load ${flags.load}` +
      ` --no-show ${flags.noShow} --sigma ${flags.sigma}`,
  );
  console.log(
    `seed ${flags.seed}; per scenario ${flags.days} independent cold days and ${flags.days} warm days` +
      ` (after 1 unscored day); clinic 09:00-18:00 UTC, walk-ins only (Poisson, ${flags.load} × true capacity),` +
      ` visits lognormal(σ=${flags.sigma}), ${flags.noShow * 100}% no-shows marked after` +
      ` ${params.noShowWaitMinutes} min, default pace 10 min.`,
  );
  console.log(
    "Error = |predicted − actual wait until called|, minutes. naive = position × 10 (position 1 = next)." +
      " bias = mean(predicted − actual).\n",
  );

  const results = SCENARIOS.map((s, i) => ({ s, phases: runPhases(s, i, flags.seed, flags.days, params) }));
  for (const { s, phases } of results) {
    console.log(`${s.label}: true capacity ${fmt(capacityPerHour(s, params))}/h`);
    for (const phase of phases) console.log(`  ${phase.label.padEnd(16)} ${dayFacts(phase)}`);
  }

  for (const [moment, title] of [
    ["taken", "\nA. Estimate shown when the ticket is taken"],
    [
      "refresh",
      `\nB. Estimate shown to everyone waiting, at each ${params.refreshMinutes}-min board refresh`,
    ],
  ] as const) {
    console.log(title);
    const rows = results.flatMap(({ s, phases }) =>
      phases.map((phase) => {
        const obs = observationsAt(phase, moment);
        const [ours, naive] = [errorStats(obs, OURS), errorStats(obs, NAIVE)];
        return [
          s.label,
          phase.label,
          String(ours.count),
          ...cells(ours),
          ...cells(naive),
          fmt(naive.mae / ours.mae, 2),
        ];
      }),
    );
    const stat = ["MAE", "p50", "p90", "bias"];
    printTable(
      [
        "scenario",
        "phase",
        "n",
        ...stat.map((h) => `ours ${h}`),
        ...stat.map((h) => `naive ${h}`),
        "naive/ours",
      ],
      rows,
    );
  }

  console.log(
    "\nC. What-if (not in the engine): MAE (bias) at ticket taken, minutes; F1-F4 add one suggested fix each",
  );
  const rows = results.flatMap(({ s, phases }) =>
    phases.map((phase) => {
      const obs = observationsAt(phase, "taken");
      return [
        s.label,
        phase.label,
        ...ESTIMATORS.map((_, i) => {
          const e = errorStats(obs, i);
          return `${fmt(e.mae)} (${e.bias > 0 ? "+" : ""}${fmt(e.bias)})`;
        }),
      ];
    }),
  );
  printTable(["scenario", "phase", ...ESTIMATORS.map((e) => e.label)], rows);
  console.log(
    "F1: each waiting ticket in call order goes to the eligible doctor free soonest (engine pace per doctor)." +
      "\nF2: + a doctor with a patient in the room is free after max(pace − elapsed, pace/4)." +
      "\nF3: + pace from the 10%-trimmed mean of samples instead of the median." +
      "\nF4: + the doctors' breaks (the engine's hours are one span from first to last slot).",
  );
  console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main();
