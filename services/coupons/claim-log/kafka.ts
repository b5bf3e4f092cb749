/**
 * With Kafka, a granted claim is one message on `coupon-events`, keyed by its
 * campaign, sent with acks from every in-sync replica before the 201. The
 * coupons service's batch consumer turns these into rows.
 */
import type { KafkaClient } from "../../../platform/kafka";
import { toKafkaValue, topicFor } from "../../outbox/relays/kafka";
import type { ClaimedCoupon } from "../coupon-store";
import type { ClaimLog } from "./claim-log";

export const CLAIMED = "coupon.claimed";

export function kafkaClaimLog(kafka: KafkaClient, topicPrefix: string): ClaimLog {
  const producer = kafka.producer();
  const topic = topicFor(CLAIMED, topicPrefix);
  return {
    async append(claim: ClaimedCoupon) {
      // Not connected means certainly not sent: fail at once rather than hold the patient's request.
      if (!producer.ready()) throw new Error("Kafka is not connected; the claim was not sent");
      const key = `campaign:${claim.campaignId}`;
      // The claim is one event of its own: its coupon id is its event id, and it has no per-key sequence.
      const value = toKafkaValue({
        eventId: claim.couponId,
        key,
        seq: 0,
        type: CLAIMED,
        payload: claim,
        dayKey: key,
      });
      await producer.send(topic, [{ key, value: JSON.stringify(value) }]);
    },
    start: () => producer.start(),
    stop: () => producer.stop(),
  };
}
