/**
 * A per-key mutex in Redis, the way Redisson's RLock is commonly used from
 * Node: `SET key token NX PX ttl`, polled with short jittered sleeps until it
 * is ours or the wait budget is spent, released only by its holder.
 */
import crypto from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type Redis from "ioredis";
import { RetryableError } from "../../platform/errors";

/** Deletes the key only if it still holds our token: a lock that expired and was retaken is not ours to free. */
const RELEASE_SCRIPT = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export interface RedisLockOptions {
  /** The lock expires on its own after this long, should its holder die. */
  ttlMs: number;
  /** Give up (503) after waiting this long. */
  waitMs: number;
  /** Polling sleeps are drawn from [minSleepMs, maxSleepMs) so waiters do not retry in step. */
  minSleepMs: number;
  maxSleepMs: number;
}

export class RedisLock {
  constructor(
    private readonly redis: Redis,
    private readonly options: RedisLockOptions,
  ) {}

  /** Runs `work` while holding the lock on `key`. */
  async around<T>(key: string, work: () => Promise<T>): Promise<T> {
    const token = crypto.randomBytes(12).toString("base64url");
    await this.acquire(key, token);
    try {
      return await work();
    } finally {
      await this.redis.eval(RELEASE_SCRIPT, 1, key, token);
    }
  }

  private async acquire(key: string, token: string): Promise<void> {
    const { ttlMs, waitMs, minSleepMs, maxSleepMs } = this.options;
    const deadline = Date.now() + waitMs;
    while ((await this.redis.set(key, token, "PX", ttlMs, "NX")) !== "OK") {
      if (Date.now() >= deadline) {
        throw new RetryableError("LOCK_TIMEOUT", `Could not lock ${key} within ${waitMs} ms.`);
      }
      await sleep(minSleepMs + Math.random() * (maxSleepMs - minSleepMs));
    }
  }
}
