/** The single node and the cluster side by side, per variant, after both tables. */
import type { Outcome, Summary } from "./report";
import { summarize } from "./report";

/** CPU of all server processes per answered request: what the extra hops cost, whatever the machine's load. */
const cpuMsPerRequest = (s: Summary) => (s.cpu.server * 10) / s.reqPerSec;

export function printLayoutComparison(single: Outcome[], cluster: Outcome[]): void {
  const clustered = new Map(cluster.map((o) => [o.variant.key, summarize(o)]));
  console.log("\nCluster relative to the single node (req/s; p99; CPU of all server processes per request):");
  for (const one of single.map(summarize)) {
    const many = clustered.get(one.key);
    if (!many) continue;
    console.log(
      `  (${one.key}) ${one.label.padEnd(24)}` +
        `${one.reqPerSec.toFixed(0).padStart(6)} → ${many.reqPerSec.toFixed(0).padStart(6)} req/s ` +
        `${(many.reqPerSec / one.reqPerSec).toFixed(2).padStart(5)}×   ` +
        `p99 ${one.p99.toFixed(1).padStart(6)} → ${many.p99.toFixed(1).padStart(6)} ms   ` +
        `CPU ${cpuMsPerRequest(one).toFixed(2)} → ${cpuMsPerRequest(many).toFixed(2)} ms/req`,
    );
  }
}
