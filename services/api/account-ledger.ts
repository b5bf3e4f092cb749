/**
 * The gateway's copy of the account-change ledger (services/accounts/account-changes.ts).
 * A token states its account's role, hospital and own patient as they were
 * when it was issued, at ledger version `ver`; while this copy is fresh, a
 * token whose account has not changed since is taken at its word, so an
 * authenticated request costs no database round trip. Fed by the accounts
 * service's broadcast (at once) and by re-reading the ledger (for a broadcast
 * missed); when re-reading has failed for too long the copy vouches for
 * nothing and the gateway reads the account itself.
 */
import type { AccountChange } from "../accounts/account-changes";

/** What the ledger says of a token: take it at its word, refuse it, or ask the accounts service. */
export type Verdict = "current" | "changed" | "deleted" | "unsure";

export interface AccountLedgerOptions {
  /** How long after the last successful read the copy still vouches for tokens. */
  trustMs: number;
  /** Changes older than this can concern only expired tokens (the token lifetime, with a margin). */
  forgetAfterMs: number;
  now: () => number;
}

export class AccountLedger {
  private readonly changes = new Map<number, AccountChange>();
  private syncedAt = -Infinity;

  constructor(private readonly options: AccountLedgerOptions) {}

  /** Whether any read of the ledger has succeeded yet. */
  get everSynced(): boolean {
    return this.syncedAt > -Infinity;
  }

  get size(): number {
    return this.changes.size;
  }

  /** Enters changes, from a read of the ledger or a broadcast; an account's version never goes back. */
  enter(changes: readonly AccountChange[]): void {
    for (const change of changes) {
      const known = this.changes.get(change.accountId);
      if (!known || change.version > known.version) this.changes.set(change.accountId, change);
    }
  }

  /** A read of the ledger that began at `at` succeeded: the copy is complete up to then. */
  synced(at: number): void {
    this.syncedAt = Math.max(this.syncedAt, at);
    const horizon = at - this.options.forgetAfterMs;
    for (const [id, change] of this.changes) if (change.changedAt < horizon) this.changes.delete(id);
  }

  /** The verdict on a token for `accountId` issued at ledger version `tokenVersion` (0 when it names none). */
  judge(accountId: number, tokenVersion = 0): Verdict {
    if (this.options.now() - this.syncedAt > this.options.trustMs) return "unsure";
    const change = this.changes.get(accountId);
    if (change?.deleted) return "deleted";
    return change && tokenVersion < change.version ? "changed" : "current";
  }
}
