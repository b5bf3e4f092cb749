/**
 * The claim counter in Redis: one Lua script decides a claim atomically on
 * the server (no read-then-write race between nodes), another undoes exactly
 * one claim. Keys share a hash tag, so a Redis Cluster keeps a campaign's keys
 * on one shard.
 */
import Redis from "ioredis";
import type { ClaimResult, CouponStock, StockSnapshot } from "./coupon-stock";

/** KEYS: remaining, claims hash. ARGV: accountId, code. → {status, code} */
const CLAIM = `
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held then return {'already', held} end
local left = redis.call('GET', KEYS[1])
if not left then return {'unknown', ''} end
if tonumber(left) <= 0 then return {'sold_out', ''} end
redis.call('DECR', KEYS[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return {'issued', ARGV[2]}
`;

/** KEYS: remaining, claims hash. ARGV: accountId, code. Undoes the claim only if it is this one. */
const UNDO = `
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('INCR', KEYS[1])
  return 1
end
return 0
`;

/** KEYS: remaining, claims hash. ARGV: quantity, then accountId, code pairs from the database. */
const RESTORE = `
for i = 2, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[2], ARGV[i]) == 0 then redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
local left = tonumber(ARGV[1]) - redis.call('HLEN', KEYS[2])
if left < 0 then left = 0 end
redis.call('SET', KEYS[1], left)
return left
`;

type Scripted = Redis & {
  couponClaim(remaining: string, claims: string, accountId: number, code: string): Promise<[string, string]>;
  couponUndo(remaining: string, claims: string, accountId: number, code: string): Promise<number>;
  couponRestore(remaining: string, claims: string, ...args: (string | number)[]): Promise<number>;
};

export class RedisStock implements CouponStock {
  private readonly redis: Scripted;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    const redis = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true });
    redis.defineCommand("couponClaim", { numberOfKeys: 2, lua: CLAIM });
    redis.defineCommand("couponUndo", { numberOfKeys: 2, lua: UNDO });
    redis.defineCommand("couponRestore", { numberOfKeys: 2, lua: RESTORE });
    this.redis = redis as Scripted;
  }

  private keys(campaignId: number): [string, string] {
    const tag = `${this.prefix}:coupon:{${campaignId}}`;
    return [`${tag}:remaining`, `${tag}:claims`];
  }

  async claim(campaignId: number, accountId: number, code: string): Promise<ClaimResult> {
    const [status, held] = await this.redis.couponClaim(...this.keys(campaignId), accountId, code);
    if (status === "issued" || status === "already") return { outcome: status, code: held };
    return { outcome: status === "sold_out" ? "sold_out" : "unknown" };
  }

  async undo(campaignId: number, accountId: number, code: string): Promise<void> {
    await this.redis.couponUndo(...this.keys(campaignId), accountId, code);
  }

  async restore(campaignId: number, quantity: number, claims: Map<number, string>): Promise<StockSnapshot> {
    const pairs = [...claims].flatMap(([accountId, code]) => [accountId, code]);
    await this.redis.couponRestore(...this.keys(campaignId), quantity, ...pairs);
    return (await this.snapshot(campaignId)) as StockSnapshot;
  }

  async snapshot(campaignId: number): Promise<StockSnapshot | null> {
    const [remainingKey, claimsKey] = this.keys(campaignId);
    const [remaining, claims] = await Promise.all([
      this.redis.get(remainingKey),
      this.redis.hgetall(claimsKey),
    ]);
    if (remaining === null) return null;
    return {
      remaining: Number(remaining),
      claims: new Map(Object.entries(claims).map(([accountId, code]) => [Number(accountId), code])),
    };
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
