/**
 * A per-node memory of values read from elsewhere (a table another node may
 * change), kept right by that change's broadcast (`invalidate`); the TTL only
 * bounds the damage of a broadcast this node missed. Concurrent misses of one
 * key share one lookup.
 */
interface Entry<V> {
  value: V;
  expiresAt: number;
}

export interface ReadThroughCacheOptions {
  ttlMs: number;
  maxEntries: number;
  now: () => number;
}

export class ReadThroughCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly loading = new Map<K, Promise<V | null>>();
  /**
   * Bumped by every invalidation. A lookup that started before one may have
   * read the row as it was before the change: its answer is served once but
   * not remembered.
   */
  private generation = 0;

  constructor(private readonly options: ReadThroughCacheOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value from memory, or from `load` (one lookup per key at a time). */
  async get(id: K, load: (id: K) => Promise<V | null>): Promise<V | null> {
    const hit = this.entries.get(id);
    if (hit && hit.expiresAt > this.options.now()) return hit.value;
    if (hit) this.entries.delete(id);
    const pending = this.loading.get(id);
    if (pending) return pending;
    const startedAt = this.generation;
    const lookup = load(id)
      .then((value) => {
        // Nothing found is not remembered: it must not outlive a creation.
        if (value !== null && this.options.ttlMs > 0 && startedAt === this.generation)
          this.remember(id, value);
        return value;
      })
      .finally(() => this.loading.delete(id));
    this.loading.set(id, lookup);
    return lookup;
  }

  /** Forgets one key (it changed somewhere in the cluster). */
  invalidate(id: K): void {
    this.generation++;
    this.entries.delete(id);
    // A lookup under way may carry the old row: the next request must not join it.
    this.loading.delete(id);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }

  private remember(id: K, value: V): void {
    // Oldest first out (Map keeps insertion order): bounded memory under a flood of distinct tokens.
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(id, { value, expiresAt: this.options.now() + this.options.ttlMs });
  }
}
