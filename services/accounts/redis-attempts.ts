/** Login failure counters in Redis, shared by every gateway node (cluster mode). */
import type Redis from "ioredis";
import { closeClient, commandClient } from "../../platform/redis";
import type { Attempts, AttemptStore } from "./login-throttle";

/** INCR and, on a window's first failure, its expiry: one round trip, atomic. */
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

export class RedisAttemptStore implements AttemptStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    this.redis = commandClient(url);
  }

  async hit(key: string, windowMs: number): Promise<Attempts> {
    const [count, ttl] = (await this.redis.eval(HIT, 1, this.key(key), windowMs)) as [number, number];
    return { count, resetInMs: Math.max(ttl, 0) };
  }

  async peek(key: string): Promise<Attempts> {
    const [count, ttl] = await Promise.all([this.redis.get(this.key(key)), this.redis.pttl(this.key(key))]);
    return { count: Number(count ?? 0), resetInMs: Math.max(ttl, 0) };
  }

  async clear(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }

  async close(): Promise<void> {
    await closeClient(this.redis);
  }

  private key(key: string): string {
    return `${this.prefix}:${key}`;
  }
}
