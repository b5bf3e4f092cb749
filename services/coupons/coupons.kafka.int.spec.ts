/**
 * Coupons in Kafka mode, on the mock cluster: every 201 is a message the
 * cluster acknowledged, and the batch consumer makes each one a row within
 * seconds; with Kafka unreachable a claim is undone and answered 503, nothing
 * issued.
 */
import crypto from "node:crypto";
import { QueryTypes } from "sequelize";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createPatients, createUser } from "../../test/support/fixtures";
import { testKafkaConfig } from "../../test/support/kafka";
import { freePort } from "../../test/support/ports";

const REDIS_URL = "redis://127.0.0.1:6379";

async function withNode(
  kafka: ReturnType<typeof testKafkaConfig>,
  run: (node: TestNode, metricsPort: number) => Promise<void>,
) {
  const namespace = `hre-coupons-kafka-${process.pid}-${crypto.randomBytes(3).toString("hex")}`;
  const metricsPort = await freePort();
  const node = await startTestNode({
    kafka,
    redisUrl: REDIS_URL,
    namespace,
    metricsPort,
    metricsHost: "127.0.0.1",
  });
  try {
    await run(node, metricsPort);
  } finally {
    await node.close();
  }
}

const newCampaign = async (node: TestNode, quantity: number) => {
  const admin = (await createUser(node, "admin")).token;
  const res = await node.http("POST", "/api/v1/coupon-campaigns", {
    token: admin,
    body: { name: "영유아 검진 쿠폰", discount: { type: "amount", value: 3000 }, quantity },
  });
  expect(res.status).toBe(201);
  return res.body.id as number;
};

const rows = async (node: TestNode, campaignId: number) =>
  Number(
    (
      await node.app.sequelize.query<{ n: number }>(
        "SELECT COUNT(*) AS n FROM coupons WHERE campaign_id = ?",
        {
          replacements: [campaignId],
          type: QueryTypes.SELECT,
        },
      )
    )[0].n,
  );

describe("coupons in Kafka mode", () => {
  test("a rush issues exactly the stock, and the consumer persists every 201", async () => {
    const kafka = testKafkaConfig();
    await withNode(kafka, async (node, metricsPort) => {
      // The node starts without waiting for Kafka; claims need its producer connected, which on a
      // busy machine can take a while (every consumer group of the node joins meanwhile): one
      // patient's claim on a warm-up campaign answers 201 once it is (a 503 before changes nothing).
      const warmUp = await newCampaign(node, 1);
      const [early] = await createPatients(node, 1);
      let first = 0;
      for (let i = 0; i < 120 && first !== 201; i++) {
        first = (await node.http("POST", `/api/v1/coupon-campaigns/${warmUp}/claim`, { token: early.token }))
          .status;
        if (first !== 201) await new Promise((r) => setTimeout(r, 250));
      }
      expect(first).toBe(201);
      const campaignId = await newCampaign(node, 8);
      const patients = await createPatients(node, 20);
      const answers = await Promise.all(
        patients.map((p) =>
          node.http("POST", `/api/v1/coupon-campaigns/${campaignId}/claim`, { token: p.token }),
        ),
      );
      expect(answers.filter((a) => a.status === 201)).toHaveLength(8);
      expect(answers.filter((a) => a.status !== 201).map((a) => a.body.error.code)).toEqual(
        new Array(12).fill("SOLD_OUT"),
      );
      const deadline = Date.now() + 30_000;
      while ((await rows(node, campaignId)) < 8 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect(await rows(node, campaignId)).toBe(8);
      // The persisting group reports how far behind it is: caught up.
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const lag = text
        .split("\n")
        .find(
          (l) =>
            l.startsWith("hre_kafka_consumer_lag{") &&
            l.includes(`group="${kafka.groupPrefix}coupons.persist"`),
        );
      expect(lag).toBeDefined();
      expect(Number(lag?.slice(lag.lastIndexOf(" ") + 1))).toBe(0);
    });
  });

  test("with Kafka unreachable a claim is undone: 503, nothing issued", async () => {
    const unreachable = { ...testKafkaConfig(), brokers: ["127.0.0.1:9"] };
    await withNode(unreachable, async (node) => {
      const campaignId = await newCampaign(node, 3);
      const [p] = await createPatients(node, 1);
      const res = await node.http("POST", `/api/v1/coupon-campaigns/${campaignId}/claim`, { token: p.token });
      expect([res.status, res.body.error.code]).toEqual([503, "COUPON_NOT_ISSUED"]);
      expect(res.headers.get("retry-after")).toBeTruthy();
      const state = await node.http("GET", `/api/v1/coupon-campaigns/${campaignId}`);
      expect(state.body).toMatchObject({ issued: 0, remaining: 3 });
      expect(await rows(node, campaignId)).toBe(0);
    });
  });
});
