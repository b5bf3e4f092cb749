/**
 * The coupon's side of a booking: reserved while the booking is decided (or
 * its deposit paid), used once it is confirmed, released if it fails. Each
 * move names the booking (`ref`, its request key) and is idempotent, so a
 * retried or resumed booking repeats it safely.
 */
import type { Context } from "moleculer";
import { conflict } from "../../platform/errors";
import { idParam } from "../../platform/params";
import type { CouponMove } from "./coupon-rules";
import { closedReason, decideMove } from "./coupon-rules";
import type { CouponStore } from "./coupon-store";

interface MoveParams {
  code: string;
  accountId: number;
  ref: string;
  hospitalId?: number;
  appointmentId?: string;
}

const moveParams = {
  $$strict: true,
  code: { type: "string", min: 1, max: 40 },
  accountId: idParam,
  ref: { type: "string", min: 1, max: 100 },
  hospitalId: { ...idParam, optional: true },
  appointmentId: { type: "string", max: 40, optional: true },
} as const;

const notUsable = (message: string) => conflict("COUPON_NOT_USABLE", message);

/** Times a move decides again on a coupon that changed between its read and its write. */
const MOVE_ATTEMPTS = 3;

export function bookingActions(store: CouponStore, now: () => number) {
  async function move(move: CouponMove, p: MoveParams) {
    for (let attempt = 1; ; attempt++) {
      const coupon = await store.byCode(p.code);
      if (!coupon || coupon.accountId !== p.accountId)
        throw notUsable(`Coupon ${p.code} is not yours to use.`);
      const campaign = await store.campaign(coupon.campaignId);
      if (move === "reserve" && campaign) {
        if (campaign.hospitalId !== null && campaign.hospitalId !== p.hospitalId)
          throw notUsable("This coupon is for another hospital.");
        if (closedReason(campaign, now()) && campaign.endsAt !== null && now() >= campaign.endsAt)
          throw notUsable("This coupon's campaign has ended.");
      }
      const next = decideMove(coupon, move, p.ref, p.appointmentId ?? null);
      if (next === null) throw notUsable(`Coupon ${p.code} is ${coupon.status}.`);
      const moved =
        next === "same" ||
        (await store.move(coupon.id, coupon.status, coupon.heldBy, next.status, next.heldBy, now()));
      if (moved)
        return { couponId: coupon.id, campaignId: coupon.campaignId, discount: campaign?.discount ?? null };
      // Changed between the read and the write: most often the appointment's own consumer
      // (coupon-follows.ts) made this very move, so deciding again on what it is now says "same".
      if (attempt === MOVE_ATTEMPTS) throw notUsable(`Coupon ${p.code} changed meanwhile; retry.`);
    }
  }

  const action = (name: CouponMove) => ({
    visibility: "public" as const,
    idempotent: true,
    params: moveParams,
    handler: (ctx: Context<MoveParams>) => move(name, ctx.params),
  });

  return { reserve: action("reserve"), use: action("use"), release: action("release") };
}
