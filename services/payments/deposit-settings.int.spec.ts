/**
 * Each node keeps hospitals' deposit settings in memory (every booking asks
 * for them): a change made on one node reaches the other's next booking at
 * once, through the broadcast, not when its memory runs out.
 */
import { startNodePair } from "../../test/support/node-pair";
import type { TestNode } from "../../test/support/test-node";
import { createHospital, createUser } from "../../test/support/fixtures";
import type { PaymentSettings } from "./payment-rules";

describe("deposit settings across nodes", () => {
  let a: TestNode;
  let b: TestNode;

  beforeAll(async () => {
    [a, b] = await startNodePair("deposits");
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** The deposit as `node`'s own payments service has it (pinned there: calls are otherwise balanced). */
  const depositOn = async (node: TestNode, hospitalId: number) =>
    (
      await node.broker.call<PaymentSettings, object>(
        "payments.settingsOf",
        { hospitalId },
        { nodeID: node.broker.nodeID },
      )
    ).depositAmount;

  test("a change on one node: the other node's next read has it", async () => {
    const hospitalId = (await createHospital(a.app)).id;
    const staff = (await createUser(a, "staff", hospitalId)).token;
    // Both nodes remember "no deposit".
    expect(await depositOn(a, hospitalId)).toBe(0);
    expect(await depositOn(b, hospitalId)).toBe(0);
    for (const [node, amount] of [
      [a, 5_000],
      [b, 7_000],
    ] as const) {
      const put = await node.http("PUT", `/api/v1/hospitals/${hospitalId}/payment-settings`, {
        token: staff,
        body: { depositAmount: amount, fullRefundHoursBefore: 24, lateCancelRefundPercent: 50 },
      });
      expect(put.status).toBe(200);
      // The other node hears the broadcast within moments; its memory would hold the old value for 30 s.
      for (const other of [a, b]) {
        let seen = await depositOn(other, hospitalId);
        for (let i = 0; i < 50 && seen !== amount; i++) {
          await new Promise((r) => setTimeout(r, 20));
          seen = await depositOn(other, hospitalId);
        }
        expect(seen).toBe(amount);
      }
    }
  });
});
