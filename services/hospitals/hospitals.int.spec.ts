import { startTestNode } from "../../test/support/test-node";
import type { TestNode } from "../../test/support/test-node";
import { createDoctor, createHospital } from "../../test/support/fixtures";

describe("hospitals over HTTP", () => {
  let node: TestNode;
  let near: number;

  beforeAll(async () => {
    node = await startTestNode();
    near = (await createHospital(node.app, { name: "강남튼튼소아청소년과의원", lat: 37.5, lng: 127.03 })).id;
    await createHospital(node.app, {
      name: "마포바른내과의원",
      departments: ["내과"],
      lat: 37.56,
      lng: 126.9,
    });
    await createHospital(node.app, {
      name: "한빛24시어린이병원",
      departments: ["소아청소년과", "응급의학과"],
      lat: 37.501,
      lng: 127.031,
      openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
        weekday: weekday as 1,
        start: "00:00",
        end: "24:00",
      })),
    });
    await createDoctor(node.app, near, { name: "정소아" });
    // The rows went straight to the table (no outbox event): the search index reads them now.
    await node.broker.call("search.rebuild");
  });
  afterAll(() => node.close());

  const names = (body: { items: { name: string }[] }) => body.items.map((h) => h.name);

  test("lists with total and paging", async () => {
    const res = await node.http("GET", "/api/v1/hospitals?size=2&page=2");
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    expect(names(res.body)).toEqual(["한빛24시어린이병원"]);
  });

  test("filters by Korean partial name and by department", async () => {
    expect(names((await node.http("GET", `/api/v1/hospitals?q=${encodeURIComponent("튼튼")}`)).body)).toEqual(
      ["강남튼튼소아청소년과의원"],
    );
    const internal = await node.http("GET", `/api/v1/hospitals?department=${encodeURIComponent("내과")}`);
    expect(names(internal.body)).toEqual(["마포바른내과의원"]);
  });

  test("radius search is ordered by distance and reports it", async () => {
    const res = await node.http("GET", "/api/v1/hospitals?lat=37.5&lng=127.03&radiusKm=2");
    expect(names(res.body)).toEqual(["강남튼튼소아청소년과의원", "한빛24시어린이병원"]);
    expect(res.body.items[0].distanceKm).toBe(0);
    expect(res.body.items[1].distanceKm).toBeGreaterThan(0);
  });

  test("openNow follows each hospital's hours in its own zone", async () => {
    node.setNow("2026-11-23T15:00:00Z"); // Tuesday 00:00 in Seoul
    expect(names((await node.http("GET", "/api/v1/hospitals?openNow=true")).body)).toEqual([
      "한빛24시어린이병원",
    ]);
    node.setNow("2026-11-23T01:00:00Z"); // Monday 10:00 in Seoul
    expect((await node.http("GET", "/api/v1/hospitals?openNow=true")).body.total).toBe(3);
  });

  test("detail lists doctors; unknown id is 404; bad paging is 422", async () => {
    const res = await node.http("GET", `/api/v1/hospitals/${near}`);
    expect(res.body).toMatchObject({
      id: near,
      phone: "02-555-0000",
      doctors: [{ name: "정소아", department: "소아청소년과" }],
    });
    const missing = await node.http("GET", "/api/v1/hospitals/424242");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("NOT_FOUND");
    const bad = await node.http("GET", "/api/v1/hospitals?size=500");
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields[0].field).toBe("size");
    const lonely = await node.http("GET", "/api/v1/hospitals?lat=37.5");
    expect(lonely.body.error.details.fields[0].field).toBe("lng");
  });

  test("health endpoints answer", async () => {
    expect((await node.http("GET", "/health/live")).body).toEqual({ status: "ok" });
    expect((await node.http("GET", "/health/ready")).body).toEqual({
      status: "ready",
      checks: { database: true },
    });
  });
});
