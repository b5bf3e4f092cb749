/**
 * Broadcast (to every node, not one instance per service) whenever an
 * account's role, hospital or existence changes: each gateway enters the
 * change in its ledger at once, so the account's older tokens are refused on
 * the next request (gateways also re-read the ledger, for a broadcast missed).
 */
import type { AccountChange } from "./account-changes";

export const ACCOUNT_CHANGED = "accounts.account.changed";

export type AccountChanged = AccountChange;
