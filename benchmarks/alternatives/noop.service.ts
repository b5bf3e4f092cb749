import type { Context, ServiceSchema } from "moleculer";
import type { AuthMeta } from "../../platform/auth";
import { requireUser } from "../../platform/auth";
import { setStatus } from "../../platform/params";
import type { SlotParams } from "./obvious-booking";
import { slotParams } from "./obvious-booking";

/**
 * Variant (d), the ceiling: the same gateway, token check, user lookup and
 * params as a booking, then a 201 without touching the booking tables.
 */
export function noopService(): ServiceSchema {
  return {
    name: "benchNoop",
    actions: {
      book: {
        params: slotParams,
        handler(ctx: Context<SlotParams, AuthMeta>) {
          requireUser(ctx);
          setStatus(ctx, 201, "/api/v1/bench/noop");
          return { ok: true };
        },
      },
    },
  };
}
