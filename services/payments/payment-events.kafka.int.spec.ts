/**
 * Payment events in Kafka mode, on the mock cluster: each order's end
 * (paid, declined, expired, refunded) is one message on `payment-events`,
 * keyed by its order id, written through the outbox in the transaction that
 * moved the order; and `hre_payments_total{result}` counts them.
 */
import { startDepositHarness } from "../../test/support/deposit-harness";
import type { DepositHarness } from "../../test/support/deposit-harness";
import { readTopics, testKafkaConfig } from "../../test/support/kafka";
import { freePort } from "../../test/support/ports";

const NOW = "2026-11-22T23:00:00Z"; // Monday 08:00 in Seoul

describe("payment events in Kafka mode", () => {
  const kafka = testKafkaConfig();
  let h: DepositHarness;
  let metricsPort: number;

  beforeAll(async () => {
    metricsPort = await freePort();
    h = await startDepositHarness(NOW, { kafka, metricsPort, metricsHost: "127.0.0.1" });
  });
  afterAll(() => h.close());

  test("paid, declined, expired and refunded orders go to payment-events keyed by order id", async () => {
    const paid = await h.hold(false);
    expect((await h.pay(paid, `pk_${paid.orderId}`)).status).toBe(200);
    const declined = await h.hold(false);
    expect((await h.pay(declined, `decline_${declined.orderId}`)).status).toBe(402);
    const refunded = await h.hold(false);
    expect((await h.pay(refunded, `pk_${refunded.orderId}`)).status).toBe(200);
    const cancel = await h.node.http("POST", `/api/v1/appointments/${refunded.appointmentId}/cancel`, {
      token: refunded.token,
    });
    expect(cancel.body).toMatchObject({ refund: { amount: refunded.amount, status: "refunded" } });
    const expired = await h.hold(false);
    h.node.advance(601_000);
    expect((await h.pay(expired, `pk_${expired.orderId}`)).status).toBe(409);

    const expected = [
      [paid.orderId, "payment.paid"],
      [declined.orderId, "payment.declined"],
      [refunded.orderId, "payment.paid"],
      [refunded.orderId, "payment.refunded"],
      [expired.orderId, "payment.expired"],
    ];
    const records = await readTopics(
      kafka,
      [`${kafka.topicPrefix}payment-events`],
      (rs) =>
        new Set(rs.map((r) => (JSON.parse(r.value ?? "{}") as { eventId?: string }).eventId)).size >=
        expected.length,
    );
    // At least once: a relay may publish an event again (its claim lapsed mid-send); consumers dedupe by eventId.
    const seen = new Map<string, string[]>();
    for (const r of records) {
      const value = JSON.parse(r.value ?? "null") as {
        type: string;
        key: string;
        eventId: string;
        payload: { orderId: string };
      };
      expect(value.key).toBe(r.key);
      expect(value.payload.orderId).toBe(r.key);
      seen.set(value.eventId, [r.key ?? "", value.type]);
    }
    expect([...seen.values()].sort()).toEqual(expected.sort());

    // Each event was written in the transaction that moved its order: one outbox row per end.
    const rows = await h.sql<{ type: string }>(
      "SELECT type FROM outbox_events WHERE type LIKE 'payment.%' ORDER BY type",
    );
    expect(rows.map((r) => r.type)).toEqual(expected.map(([, type]) => type).sort());

    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const count = (result: string) =>
      Number(
        text
          .split("\n")
          .find((l) => l.startsWith("hre_payments_total{") && l.includes(`result="${result}"`))
          ?.split(" ")
          .pop() ?? 0,
      );
    expect([count("paid"), count("declined"), count("refunded"), count("expired")]).toEqual([2, 1, 1, 1]);
  });
});
