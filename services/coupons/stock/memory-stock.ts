/** The claim counter for one embedded node: the same decisions as the Lua script, in a Map. */
import type { ClaimResult, CouponStock, StockSnapshot } from "./coupon-stock";

export class MemoryStock implements CouponStock {
  private readonly campaigns = new Map<number, StockSnapshot>();

  claim(campaignId: number, accountId: number, code: string): Promise<ClaimResult> {
    const c = this.campaigns.get(campaignId);
    if (!c) return Promise.resolve({ outcome: "unknown" });
    const held = c.claims.get(accountId);
    if (held) return Promise.resolve({ outcome: "already", code: held });
    if (c.remaining <= 0) return Promise.resolve({ outcome: "sold_out" });
    c.remaining -= 1;
    c.claims.set(accountId, code);
    return Promise.resolve({ outcome: "issued", code });
  }

  undo(campaignId: number, accountId: number, code: string): Promise<void> {
    const c = this.campaigns.get(campaignId);
    if (c && c.claims.get(accountId) === code) {
      c.claims.delete(accountId);
      c.remaining += 1;
    }
    return Promise.resolve();
  }

  restore(campaignId: number, quantity: number, claims: Map<number, string>): Promise<StockSnapshot> {
    const merged = new Map([...(this.campaigns.get(campaignId)?.claims ?? []), ...claims]);
    const snapshot = { remaining: Math.max(0, quantity - merged.size), claims: merged };
    this.campaigns.set(campaignId, snapshot);
    return Promise.resolve({ remaining: snapshot.remaining, claims: new Map(merged) });
  }

  snapshot(campaignId: number): Promise<StockSnapshot | null> {
    const c = this.campaigns.get(campaignId);
    return Promise.resolve(c ? { remaining: c.remaining, claims: new Map(c.claims) } : null);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
