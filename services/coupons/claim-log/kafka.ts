/**
 * With Kafka, a granted claim is one message on `coupon-events`, keyed by its
 * campaign, acknowledged by every in-sync replica before the 201. The coupons
 * service's batch consumer turns these into rows.
 *
 * Sends are grouped like the day actors' commits: while one send is in
 * flight, the claims arriving meanwhile wait and then go out together in the
 * next one (one partition, in order), so a rush costs a few round trips, not
 * one each.
 */
import type { KafkaClient, KafkaOutgoing } from "../../../platform/kafka";
import { toKafkaValue, topicFor } from "../../outbox/relays/kafka";
import type { ClaimedCoupon } from "../coupon-store";
import type { ClaimLog } from "./claim-log";

export const CLAIMED = "coupon.claimed";
/** Most claims in one send. */
const MAX_BATCH = 500;

interface Waiting {
  message: KafkaOutgoing;
  resolve(): void;
  reject(err: unknown): void;
}

export function kafkaClaimLog(kafka: KafkaClient, topicPrefix: string): ClaimLog {
  const producer = kafka.producer();
  const topic = topicFor(CLAIMED, topicPrefix);
  const waiting: Waiting[] = [];
  let sending = false;

  async function flush(): Promise<void> {
    sending = true;
    while (waiting.length > 0) {
      const batch = waiting.splice(0, MAX_BATCH);
      try {
        await producer.send(
          topic,
          batch.map((w) => w.message),
        );
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    sending = false;
  }

  return {
    append(claim: ClaimedCoupon) {
      // Not connected means certainly not sent: fail at once rather than hold the patient's request.
      if (!producer.ready())
        return Promise.reject(new Error("Kafka is not connected; the claim was not sent"));
      const key = `campaign:${claim.campaignId}`;
      // The claim is an event of its own: its coupon id is its event id, and it has no per-key sequence.
      const value = toKafkaValue({
        eventId: claim.couponId,
        key,
        seq: 0,
        type: CLAIMED,
        payload: claim,
        dayKey: key,
      });
      return new Promise<void>((resolve, reject) => {
        waiting.push({ message: { key, value: JSON.stringify(value) }, resolve, reject });
        if (!sending) void flush();
      });
    },
    start: () => producer.start(),
    stop: () => producer.stop(),
  };
}
