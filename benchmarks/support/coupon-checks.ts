/** What bench:coupons reads back after a design's run: rows once the consumer has caught up, repeat winners, and Kafka's own pace. */
import { performance } from "node:perf_hooks";
import { QueryTypes } from "sequelize";
import type { Sequelize } from "sequelize";
import { createKafka } from "../../platform/kafka";
import type { CouponCheck } from "./coupon-report";

const DRAIN_POLL_MS = 250;
/** Rows unchanged this long count as drained. */
const DRAIN_QUIET_MS = 2_000;

/** Waits (bounded) until the campaign's rows stop changing: the Kafka consumer writes them after the 201s. */
export async function drain(
  sequelize: Sequelize,
  campaignId: number,
  timeoutMs: number,
): Promise<CouponCheck> {
  const began = Date.now();
  let last = -1;
  let changedAt = began;
  for (;;) {
    const [row] = await sequelize.query<{ n: number | string; accounts: number | string }>(
      "SELECT COUNT(*) AS n, COUNT(DISTINCT account_id) AS accounts FROM coupons WHERE campaign_id = ?",
      { replacements: [campaignId], type: QueryTypes.SELECT },
    );
    const rows = Number(row.n);
    if (rows !== last) [last, changedAt] = [rows, Date.now()];
    const quiet = Date.now() - changedAt >= DRAIN_QUIET_MS;
    if (quiet || Date.now() - began >= timeoutMs) {
      return {
        rows,
        duplicateRows: rows - Number(row.accounts),
        drainSeconds: (changedAt - began) / 1000,
        drained: quiet,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
  }
}

/** Accounts answered 201 more than once; `order[i]` is the account of shot i. */
export function duplicateAccounts(statusOf: Uint16Array, order: number[]): number {
  const issued = new Map<number, number>();
  statusOf.forEach((status, i) => {
    if (status === 201) issued.set(order[i], (issued.get(order[i]) ?? 0) + 1);
  });
  return [...issued.values()].filter((n) => n > 1).length;
}

export interface ProducerPace {
  concurrent: number;
  /** All sends with one key, as the service keys a campaign's claims: one partition, one broker. */
  oneKey: number;
  /** Sends over 16 keys, so several partitions and brokers share the work. */
  spread: number;
}

/**
 * Sends per second of one producer like the service's (acks all, one request
 * in flight, one message per send) with `concurrent` sends waiting at once.
 */
export async function probeProducer(brokers: string, concurrent: number): Promise<ProducerPace | null> {
  const producer = createKafka({ brokers: brokers.split(","), clientId: "bench-probe" }).producer();
  const pace = async (key: (i: number) => string) => {
    const rounds = 2;
    const began = performance.now();
    for (let r = 0; r < rounds; r++)
      await Promise.all(
        Array.from({ length: concurrent }, (_, i) =>
          producer.send("bench-probe", [{ key: key(i), value: "{}" }]),
        ),
      );
    return (rounds * concurrent) / ((performance.now() - began) / 1000);
  };
  try {
    producer.start();
    await producer.send("bench-probe", [{ key: "warm", value: "{}" }]);
    return { concurrent, oneKey: await pace(() => "campaign:1"), spread: await pace((i) => `k${i % 16}`) };
  } catch {
    return null;
  } finally {
    await producer.stop();
  }
}
