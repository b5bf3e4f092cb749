/**
 * Rendezvous (highest-random-weight) hashing over the live nodes: each key
 * goes to the node with the highest hash(node, key). When a node joins it
 * takes about 1/n of the keys, all from others; the rest stay where they were
 * (Moleculer's built-in Shard ring moves about half).
 */
import type { Context, Endpoint } from "moleculer";
import { Strategies } from "moleculer";

/** 32-bit FNV-1a followed by a murmur3 finaliser, for well-spread weights. */
function weight(nodeId: string, key: string): number {
  let h = 0x811c9dc5;
  const text = `${nodeId}\u0000${key}`;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The node among `nodeIds` that owns `key`. */
export function rendezvousOwner(key: string, nodeIds: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const id of nodeIds) {
    const w = weight(id, key);
    if (w > bestWeight || (w === bestWeight && best !== undefined && id < best)) {
      best = id;
      bestWeight = w;
    }
  }
  return best;
}

export class RendezvousStrategy extends Strategies.Base {
  select(list: Endpoint[], ctx?: Context): Endpoint {
    // `opts` is set by Moleculer's base class but left out of its typings.
    const path = (this as unknown as { opts: { shardKey?: string } }).opts.shardKey;
    const key = path && ctx ? (ctx.params as Record<string, unknown>)[path] : undefined;
    if (typeof key !== "string" && typeof key !== "number")
      return list[Math.floor(Math.random() * list.length)];
    const owner = rendezvousOwner(
      String(key),
      list.map((ep) => ep.id),
    );
    return list.find((ep) => ep.id === owner) ?? list[0];
  }
}
