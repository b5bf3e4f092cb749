/**
 * The top entries of a V8 CPU profile (what `--profile DIR` on the benchmarks
 * writes): self time and inclusive time per function, as shares of the
 * sampled time, so "where does a booking's time go" has a printed answer.
 *
 *   npm run profile:top -- DIR/xyz.cpuprofile [--top 25] [--match services/] [--window 2-5]
 *   npm run profile:top -- DIR/xyz.cpuprofile --callers writeBuffer
 *
 * It first prints how busy each second of the profile was, so the window of
 * the measured run (seconds from the profile's start) can be picked and the
 * start-up's module loading left out.
 * Inclusive time counts a function once per sample however deep it recurses.
 * `--match` keeps only functions whose file contains the text (ours:
 * `services/`), which answers "which of our own calls are expensive".
 * `--callers NAME` prints instead the call paths into the function NAME
 * (six frames up) by their share: who makes a costly native call.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

interface Totals {
  self: Map<string, number>;
  inclusive: Map<string, number>;
  sampled: number;
}

function labelOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url
    .replace(/^file:\/\//, "")
    .replace(/^.*?\/(node_modules|services|platform|mixins)\//, "$1/");
  return `${functionName || "(anonymous)"} ${file ? `${file}:${lineNumber + 1}` : ""}`.trim();
}

/** The profile's nodes by id, and each node's parent. */
function treeOf(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  return { byId, parent };
}

/** Visits the samples in time order: each one's leaf node, its time, and when it was taken (s). */
function eachSample(profile: Profile, visit: (leaf: number, dt: number, atSeconds: number) => void): void {
  let at = 0;
  profile.samples.forEach((leaf, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    visit(leaf, dt, at / 1e6);
  });
}

const within = (window: [number, number], seconds: number) => seconds >= window[0] && seconds <= window[1];

/** Sums each sample's time into its leaf (self) and once into every distinct function on its stack. */
export function totalsOf(profile: Profile, window: [number, number] = [0, Infinity]): Totals {
  const { byId, parent } = treeOf(profile);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let sampled = 0;
  eachSample(profile, (leaf, dt, at) => {
    if (!within(window, at)) return;
    sampled += dt;
    const leafLabel = labelOf(byId.get(leaf)!);
    self.set(leafLabel, (self.get(leafLabel) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const label = labelOf(byId.get(id)!);
      if (seen.has(label)) continue;
      seen.add(label);
      inclusive.set(label, (inclusive.get(label) ?? 0) + dt);
    }
  });
  return { self, inclusive, sampled };
}

/** The paths (six frames up) by which samples reached the function `name`, with their time. */
export function callersOf(profile: Profile, name: string, window: [number, number]): Map<string, number> {
  const { byId, parent } = treeOf(profile);
  const paths = new Map<string, number>();
  eachSample(profile, (leaf, dt, at) => {
    if (!within(window, at)) return;
    let id: number | undefined = leaf;
    while (id !== undefined && byId.get(id)!.callFrame.functionName !== name) id = parent.get(id);
    const frames: string[] = [];
    for (
      id = id === undefined ? id : parent.get(id);
      id !== undefined && frames.length < 6;
      id = parent.get(id)
    )
      frames.push(labelOf(byId.get(id)!));
    const path = frames.join(" <- ");
    if (path) paths.set(path, (paths.get(path) ?? 0) + dt);
  });
  return paths;
}

/** Per second of the profile, the share of samples that were not idle. */
function printBusy(profile: Profile): void {
  const busy: number[] = [];
  const all: number[] = [];
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  eachSample(profile, (leaf, dt, at) => {
    const second = Math.floor(at);
    all[second] = (all[second] ?? 0) + dt;
    if (!idle.has(leaf)) busy[second] = (busy[second] ?? 0) + dt;
  });
  const shares = [...all.keys()].map((s) => `${s}:${Math.round((100 * (busy[s] ?? 0)) / (all[s] || 1))}%`);
  console.log(`busy per second: ${shares.join(" ")}`);
}

function printTop(title: string, totals: Map<string, number>, sampled: number, top: number, match?: string) {
  console.log(`\n${title}`);
  [...totals]
    .filter(([label]) => !match || label.includes(match))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([label, t]) => console.log(`${((100 * t) / sampled).toFixed(1).padStart(6)} %  ${label}`));
}

function main(): void {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args.splice(at, 2)[1] : undefined;
  };
  const top = Number(flag("--top") ?? 25);
  const match = flag("--match");
  const [file] = args;
  if (!file) throw new Error("usage: profile-top FILE.cpuprofile [--top N] [--match TEXT]");
  const [from, to] = (flag("--window") ?? "0-Infinity").split("-").map(Number);
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  printBusy(profile);
  const totals = totalsOf(profile, [from, to]);
  const callers = flag("--callers");
  if (callers) {
    printTop(`paths into ${callers}`, callersOf(profile, callers, [from, to]), totals.sampled, top);
    return;
  }
  console.log(`${file}: ${(totals.sampled / 1e6).toFixed(1)} s sampled from ${from} s to ${to} s`);
  printTop("self time", totals.self, totals.sampled, top, match);
  printTop("inclusive time", totals.inclusive, totals.sampled, top, match);
}

main();
