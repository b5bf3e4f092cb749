/**
 * Broadcast (to every node, not one instance per service) whenever an
 * account's role, hospital or existence changes: each gateway keeps its own
 * cache of accounts and forgets this one.
 */
export const ACCOUNT_CHANGED = "accounts.account.changed";

export interface AccountChanged {
  id: number;
}
