/**
 * The claim counter of first-come-first-served campaigns: decides atomically
 * "already claimed? any left? then take one", so a rush never over-issues and
 * nobody gets two. Redis (Lua) in cluster mode, a Map in embedded mode; the
 * database stays the truth, and `restore` rebuilds the counter from it.
 */
export type ClaimResult =
  | { outcome: "issued"; code: string }
  | { outcome: "already"; code: string }
  | { outcome: "sold_out" }
  /** The counter does not know the campaign (lost, or never loaded): load it from the database first. */
  | { outcome: "unknown" };

export interface StockSnapshot {
  remaining: number;
  /** accountId → code of every claim the counter holds. */
  claims: Map<number, string>;
}

export interface CouponStock {
  claim(campaignId: number, accountId: number, code: string): Promise<ClaimResult>;
  /** Gives back a claim that could not be made durable; only this exact claim (same code) is undone. */
  undo(campaignId: number, accountId: number, code: string): Promise<void>;
  /**
   * Makes the counter hold at least these claims (the database's), with
   * `quantity` minus all claims remaining. Claims only the counter knows (in
   * flight to the database) are kept.
   */
  restore(campaignId: number, quantity: number, claims: Map<number, string>): Promise<StockSnapshot>;
  snapshot(campaignId: number): Promise<StockSnapshot | null>;
  close(): Promise<void>;
}
