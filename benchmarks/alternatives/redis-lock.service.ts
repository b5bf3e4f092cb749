import Redis from "ioredis";
import type { ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import { obviousBookingService } from "./obvious-booking";
import { RedisLock } from "./redis-lock";

const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/**
 * Variant (c): a Redis lock per slot around the same transaction, which then
 * reads the counter without FOR UPDATE (the lock already keeps writers apart).
 */
export function redisLockService(app: App): ServiceSchema {
  // Doctor ids repeat across benchmark databases: the database name keeps two runs' locks apart.
  const namespace = `hre-bench:${new URL(app.config.dbUrl).pathname.slice(1)}`;
  const redis = new Redis(app.config.redisUrl ?? DEFAULT_REDIS_URL, { lazyConnect: true });
  const lock = new RedisLock(redis, { ttlMs: 5000, waitMs: 5000, minSleepMs: 2, maxSleepMs: 8 });
  return obviousBookingService(app, {
    name: "benchRedisLock",
    book: (store, request) =>
      lock.around(`${namespace}:lock:${request.doctorId}:${request.date}:${request.start}`, () =>
        store.book(request, { lockRow: false }),
      ),
    started: () => redis.connect(),
    stopped: async () => {
      await redis.quit();
    },
  });
}
