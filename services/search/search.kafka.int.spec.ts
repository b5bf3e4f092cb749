/**
 * Search in Kafka mode, on the mock cluster: a hospital created through the
 * API is a `hospital.changed` message on `hospital-events`, keyed by the
 * hospital, and the `search.index` consumer group puts it in the index.
 */
import crypto from "node:crypto";
import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createUser } from "../../test/support/fixtures";
import { readTopics, testKafkaConfig } from "../../test/support/kafka";

describe("search index fed from Kafka", () => {
  const kafka = testKafkaConfig();
  let node: TestNode;

  beforeAll(async () => {
    node = await startTestNode({
      kafka,
      namespace: `hre-search-kafka-${crypto.randomBytes(3).toString("hex")}`,
    });
  });
  afterAll(() => node.close());

  test("a created hospital travels on hospital-events and becomes searchable", async () => {
    const { token } = await createUser(node, "admin");
    const created = await node.http("POST", "/api/v1/hospitals", {
      token,
      body: {
        name: "카프카한빛의원",
        address: "서울특별시 종로구 종로 1",
        district: "종로구",
        lat: 37.57,
        lng: 126.98,
        phone: "02-555-0102",
        departments: ["안과"],
        openingHours: [],
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as number;

    const topic = `${kafka.topicPrefix}hospital-events`;
    const records = await readTopics(kafka, [topic], (rs) => rs.some((r) => r.key === `hospital:${id}`));
    const value = JSON.parse(records.find((r) => r.key === `hospital:${id}`)?.value ?? "{}") as Record<
      string,
      unknown
    >;
    expect(value).toMatchObject({ type: "hospital.changed", payload: { hospitalId: id } });

    const until = Date.now() + 30_000;
    let found: string[] = [];
    while (Date.now() < until) {
      const res = await node.http("GET", `/api/v1/hospitals?q=${encodeURIComponent("카프카")}`);
      found = (res.body.items as { name: string }[]).map((h) => h.name);
      if (found.length > 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(found).toEqual(["카프카한빛의원"]);
  });
});
