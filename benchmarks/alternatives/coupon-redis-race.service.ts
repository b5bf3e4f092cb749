import Redis from "ioredis";
import type { Context, ServiceSchema } from "moleculer";
import type { App } from "../../platform/app";
import type { AuthMeta } from "../../platform/auth";
import { requireUser } from "../../platform/auth";
import { conflict } from "../../platform/errors";
import { idParam, setStatus } from "../../platform/params";
import { insertCoupon } from "./coupon-bench-store";

const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

/** The design's Redis keys; campaign ids repeat across benchmark databases, so the database name is in them. */
export function raceKeys(database: string, campaignId: number): { remaining: string; claimed: string } {
  const base = `hre-bench:${database}:coupon-race:${campaignId}`;
  return { remaining: `${base}:remaining`, claimed: `${base}:claimed` };
}

/**
 * Design (c), the race people ship: SISMEMBER, GET, DECR and SADD as separate
 * round trips, then the row written directly. Between the GET and the DECR
 * another claim can take the last coupon, and between SISMEMBER and SADD the
 * same account can pass twice (the unique key then refuses its second row,
 * after the stock was already spent). Kept as is on purpose.
 */
export function couponRedisRaceService(app: App): ServiceSchema {
  const database = new URL(app.config.dbUrl).pathname.slice(1);
  const redis = new Redis(app.config.redisUrl ?? DEFAULT_REDIS_URL, { lazyConnect: true });
  return {
    name: "benchCouponRedisRace",
    actions: {
      claim: {
        params: { id: idParam },
        async handler(ctx: Context<{ id: number }, AuthMeta>) {
          const user = requireUser(ctx);
          const keys = raceKeys(database, ctx.params.id);
          if ((await redis.sismember(keys.claimed, String(user.id))) === 1)
            throw conflict("ALREADY_CLAIMED", "You already have a coupon from this campaign.");
          if (Number(await redis.get(keys.remaining)) <= 0)
            throw conflict("SOLD_OUT", "All coupons of this campaign are taken.");
          await redis.decr(keys.remaining);
          await redis.sadd(keys.claimed, String(user.id));
          const answer = await insertCoupon(app.sequelize, ctx.params.id, user.id);
          setStatus(ctx, 201, `/api/v1/me/coupons`);
          return answer;
        },
      },
    },
    started: () => redis.connect(),
    stopped: async () => {
      await redis.quit();
    },
  };
}
