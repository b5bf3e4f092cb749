import { QueryTypes } from "sequelize";
import { createNode } from "../../node";
import type { HospitalNode } from "../../node";
import { createTestDatabase } from "../../test/support/databases";
import type { TestDatabase } from "../../test/support/databases";
import { redisNodeConfig } from "../../test/support/redis-nodes";
import { waitFor } from "../../test/support/wait-for";

const SECRET = "search-cluster-secret-of-more-than-32-characters";

/**
 * Two search nodes on the real Redis transporter, each with its own embedded
 * index (and the day service, whose relay publishes the outbox): a hospital
 * change is consumed on one of them, and both answer it.
 */
describe("embedded search on several nodes", () => {
  let db: TestDatabase;
  const nodes: HospitalNode[] = [];

  beforeAll(async () => {
    db = await createTestDatabase("mariadb");
    const base = redisNodeConfig(`search-${process.pid}-${Date.now()}`, SECRET, db.url);
    for (const nodeId of ["search-1", "search-2"]) {
      const node = await createNode(
        { ...base, nodeId, services: ["hospitals", "day", "search"] },
        { broker: { logger: false } },
      );
      await node.broker.start();
      nodes.push(node);
    }
    const bothSeen = () =>
      nodes.every(
        (n) => n.broker.registry.getServiceList({}).filter((s) => s.name === "search").length === 2,
      );
    await waitFor("both search nodes to see each other", 20_000, () => Promise.resolve(bothSeen()));
  }, 60_000);

  afterAll(async () => {
    for (const node of nodes.reverse()) await node.stop();
    await db.drop();
  });

  test("a hospital created through one node is found on both", async () => {
    const [first] = nodes;
    const created = await first.broker.call<{ id: number }, object>("hospitals.create", {
      name: "두리별소아과의원",
      address: "서울특별시 강동구 천호대로 1000",
      district: "강동구",
      lat: 37.53,
      lng: 127.12,
      phone: "02-555-0199",
      departments: ["소아청소년과"],
      openingHours: [],
    });
    const found = async (node: HospitalNode) => {
      const page = await node.broker.call<{ items: { id: number }[] }, object>(
        "search.list",
        { q: "두리별", page: 1, size: 10 },
        { nodeID: node.broker.nodeID },
      );
      return page.items.some((h) => h.id === created.id);
    };
    await waitFor("both indexes to hold the new hospital", 20_000, async () =>
      (await Promise.all(nodes.map(found))).every(Boolean),
    );
    // The event was consumed once: the other node learnt it from the broadcast, not a second delivery.
    const rows = await first.app.sequelize.query<{ n: number }>(
      "SELECT COUNT(*) AS n FROM processed_events WHERE consumer = 'search.index'",
      { type: QueryTypes.SELECT },
    );
    expect(rows.map((r) => Number(r.n))).toEqual([1]);
  }, 60_000);
});
