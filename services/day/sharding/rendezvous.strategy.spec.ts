import type { Context, Endpoint } from "moleculer";
import { Strategies } from "moleculer";
import { RendezvousStrategy, rendezvousOwner } from "./rendezvous.strategy";

const KEYS = Array.from(
  { length: 10_000 },
  (_, i) => `${1 + (i % 500)}:2026-12-${String(1 + (i % 28)).padStart(2, "0")}#${i}`,
);
const endpoints = (ids: string[]) => ids.map((id) => ({ id }) as Endpoint);
const ctxFor = (dayKey: string) => ({ params: { dayKey } }) as unknown as Context;
const fakeBroker = { localBus: { on: () => undefined } } as never;

/** Owner of every key before and after a 4th node joins, and how many keys changed owner. */
function movement(select: (list: Endpoint[], key: string) => Endpoint) {
  const before = KEYS.map((k) => select(endpoints(["worker-1", "worker-2", "worker-3"]), k).id);
  const after = KEYS.map((k) => select(endpoints(["worker-1", "worker-2", "worker-3", "worker-4"]), k).id);
  const moved = KEYS.filter((_, i) => before[i] !== after[i]).length;
  const movedBetweenOldNodes = KEYS.filter(
    (_, i) => before[i] !== after[i] && after[i] !== "worker-4",
  ).length;
  return { moved: moved / KEYS.length, movedBetweenOldNodes };
}

describe("rendezvous sharding", () => {
  test("a 4th node takes about a quarter of the keys, all from the others; the built-in Shard ring moves far more", () => {
    const hrw = new RendezvousStrategy({} as never, fakeBroker, { shardKey: "dayKey" });
    const ours = movement((list, key) => hrw.select(list, ctxFor(key)));
    const builtIn = movement((list, key) =>
      // A fresh ring per topology, as Moleculer rebuilds it on every node change.
      new Strategies.Shard({} as never, fakeBroker, { shardKey: "dayKey" }).select(list, ctxFor(key)),
    );
    console.log(
      `Keys moved when a 4th node joins (10,000 day keys): rendezvous ${(ours.moved * 100).toFixed(1)}% ` +
        `(between old nodes: ${ours.movedBetweenOldNodes}); Moleculer Shard ${(builtIn.moved * 100).toFixed(1)}% ` +
        `(between old nodes: ${builtIn.movedBetweenOldNodes})`,
    );
    expect(ours.moved).toBeGreaterThan(0.2);
    expect(ours.moved).toBeLessThan(0.3);
    expect(ours.movedBetweenOldNodes).toBe(0);
    expect(builtIn.moved).toBeGreaterThan(ours.moved * 1.5);
  });

  test("keys spread evenly and every node computes the same owner whatever the list order", () => {
    const counts = new Map<string, number>();
    for (const key of KEYS) {
      const owner = rendezvousOwner(key, ["a", "b", "c"]);
      expect(rendezvousOwner(key, ["c", "a", "b"])).toBe(owner);
      counts.set(owner!, (counts.get(owner!) ?? 0) + 1);
    }
    for (const n of counts.values()) expect(Math.abs(n - KEYS.length / 3)).toBeLessThan(KEYS.length * 0.05);
  });
});
