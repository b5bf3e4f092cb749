import type { Context, ServiceSchema } from "moleculer";
import type { AuthMeta } from "../../platform/auth";
import { requireUser } from "../../platform/auth";
import { idParam, setStatus } from "../../platform/params";

/**
 * (d), the ceiling: the same gateway, token check, account lookup and params
 * as a claim, then a 201 without touching a counter or a table. No design
 * can answer faster than this on the machine.
 */
export function couponNoopService(): ServiceSchema {
  return {
    name: "benchCouponNoop",
    actions: {
      claim: {
        params: { id: idParam },
        handler(ctx: Context<{ id: number }, AuthMeta>) {
          requireUser(ctx);
          setStatus(ctx, 201, "/api/v1/me/coupons");
          return { ok: true };
        },
      },
    },
  };
}
