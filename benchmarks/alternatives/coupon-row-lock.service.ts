import type { Context, ServiceSchema } from "moleculer";
import { QueryTypes } from "sequelize";
import type { App } from "../../platform/app";
import type { AuthMeta } from "../../platform/auth";
import { requireUser } from "../../platform/auth";
import { conflict } from "../../platform/errors";
import { idParam, setStatus } from "../../platform/params";
import { insertCoupon } from "./coupon-bench-store";

/**
 * Design (b): one transaction per claim. The conditional UPDATE takes the
 * stock row's lock and holds it through the insert and the commit, so every
 * claim of a campaign waits for the one before it; a duplicate account rolls
 * the decrement back.
 */
export function couponRowLockService(app: App): ServiceSchema {
  const { sequelize } = app;
  return {
    name: "benchCouponRowLock",
    actions: {
      claim: {
        params: { id: idParam },
        async handler(ctx: Context<{ id: number }, AuthMeta>) {
          const user = requireUser(ctx);
          const answer = await sequelize.transaction(async (transaction) => {
            const [, taken] = await sequelize.query(
              "UPDATE bench_campaign_stock SET remaining = remaining - 1 WHERE id = ? AND remaining > 0",
              { replacements: [ctx.params.id], type: QueryTypes.UPDATE, transaction },
            );
            if (Number(taken) === 0) throw conflict("SOLD_OUT", "All coupons of this campaign are taken.");
            return insertCoupon(sequelize, ctx.params.id, user.id, transaction);
          });
          setStatus(ctx, 201, `/api/v1/me/coupons`);
          return answer;
        },
      },
    },
  };
}
