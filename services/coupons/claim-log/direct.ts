/** Without Kafka, a granted claim is made durable by writing its coupon row before answering. */
import type { Sequelize } from "sequelize";
import type { ClaimedCoupon, CouponStore } from "../coupon-store";
import type { ClaimLog } from "./claim-log";

export function directClaimLog(sequelize: Sequelize, store: CouponStore): ClaimLog {
  return {
    append: (claim: ClaimedCoupon) =>
      sequelize.transaction((transaction) => store.persist([claim], transaction)),
    start: () => undefined,
    stop: () => Promise.resolve(),
  };
}
