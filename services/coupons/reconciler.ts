/**
 * Keeps the claim counter honest against the database: campaigns are cached
 * briefly (they change rarely and every claim needs one), and the counter of a
 * campaign is rebuilt from its coupon rows when it is missing, at start, every
 * minute for campaigns still open, and when an admin asks.
 */
import type { Campaign } from "./coupon-rules";
import type { CouponStore } from "./coupon-store";
import type { CouponStock, StockSnapshot } from "./stock";

const CAMPAIGN_TTL_MS = 5_000;
const RECONCILE_EVERY_MS = 60_000;

export class Reconciler {
  private readonly cache = new Map<number, { campaign: Campaign | null; at: number }>();
  private timer: NodeJS.Timeout | null = null;
  private readonly known = new Set<number>();

  constructor(
    private readonly store: CouponStore,
    private readonly stock: CouponStock,
    private readonly now: () => number,
  ) {}

  async campaign(id: number): Promise<Campaign | null> {
    const hit = this.cache.get(id);
    if (hit && this.now() - hit.at < CAMPAIGN_TTL_MS) return hit.campaign;
    const campaign = await this.store.campaign(id);
    this.cache.set(id, { campaign, at: this.now() });
    return campaign;
  }

  /** Makes the counter hold every persisted coupon (claims in flight kept), quantity minus all of them left. */
  async repair(campaign: Campaign): Promise<StockSnapshot> {
    this.known.add(campaign.id);
    return this.stock.restore(campaign.id, campaign.quantity, await this.store.claimsOf(campaign.id));
  }

  /** Repairs every open campaign now (a counter may have outlived a database restore), then every minute. */
  start(): void {
    void this.store
      .openCampaignIds(this.now())
      .then((ids) => {
        for (const id of ids) this.known.add(id);
        return this.repairOpen();
      })
      .catch(() => undefined);
    this.timer = setInterval(() => void this.repairOpen(), RECONCILE_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async repairOpen(): Promise<void> {
    for (const id of this.known) {
      const campaign = await this.campaign(id).catch(() => null);
      if (campaign && (campaign.endsAt === null || campaign.endsAt > this.now()))
        await this.repair(campaign).catch(() => undefined);
    }
  }
}
