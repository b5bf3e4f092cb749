/**
 * The gateway's per-node memory of who an account is ({role, hospitalId} and
 * its own patient), so an authenticated request does not cost a database
 * round trip. Kept right by the accounts service's `accounts.account.changed`
 * broadcast; the TTL only bounds the damage of an event this node missed
 * (a transporter hiccup, a change written around the service).
 */
import type { AuthUser } from "../../platform/auth";

interface Entry {
  user: AuthUser;
  expiresAt: number;
}

export interface AccountCacheOptions {
  ttlMs: number;
  maxEntries: number;
  now: () => number;
}

export class AccountCache {
  private readonly entries = new Map<number, Entry>();
  private readonly loading = new Map<number, Promise<AuthUser | null>>();
  /**
   * Bumped by every invalidation. A lookup that started before one may have
   * read the row as it was before the change: its answer is served once but
   * not remembered.
   */
  private generation = 0;

  constructor(private readonly options: AccountCacheOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** The account from memory, or from `load` (one lookup per id at a time). */
  async resolve(id: number, load: (id: number) => Promise<AuthUser | null>): Promise<AuthUser | null> {
    const hit = this.entries.get(id);
    if (hit && hit.expiresAt > this.options.now()) return hit.user;
    if (hit) this.entries.delete(id);
    const pending = this.loading.get(id);
    if (pending) return pending;
    const startedAt = this.generation;
    const lookup = load(id)
      .then((user) => {
        // Missing accounts are not remembered: a refusal is cheap to repeat and must not outlive a re-creation.
        if (user && this.options.ttlMs > 0 && startedAt === this.generation) this.remember(id, user);
        return user;
      })
      .finally(() => this.loading.delete(id));
    this.loading.set(id, lookup);
    return lookup;
  }

  /** Forgets one account (its role, hospital or existence changed somewhere in the cluster). */
  invalidate(id: number): void {
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

  private remember(id: number, user: AuthUser): void {
    // Oldest first out (Map keeps insertion order): bounded memory under a flood of distinct tokens.
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(id, { user, expiresAt: this.options.now() + this.options.ttlMs });
  }
}
