import { startTestNode } from "../../test/support/test-node";
import type { HttpResult, TestNode } from "../../test/support/test-node";
import { createHospital, createUser } from "../../test/support/fixtures";
import { waitFor } from "../../test/support/wait-for";

/** The matching list of issue 10, through REST, on the embedded engine. */
describe("hospital search over HTTP (embedded engine)", () => {
  let node: TestNode;
  let roundTheClock: number;

  const WEEK = [1, 2, 3, 4, 5, 6, 7] as const;
  const allDay = WEEK.map((weekday) => ({ weekday, start: "00:00", end: "24:00" }));
  const get = (path: string) => node.http("GET", `/api/v1${path}`);
  const search = (query: Record<string, string | number | boolean>) =>
    get(
      `/hospitals?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString()}`,
    );
  const names = (res: HttpResult) => (res.body.items as { name: string }[]).map((h) => h.name);

  /** Outbox events reach the index on the relay's next sweep (every few seconds). */
  const eventually = (check: () => Promise<boolean>) => waitFor("the index to catch up", 15_000, check, 200);

  beforeAll(async () => {
    node = await startTestNode();
    node.setNow("2026-11-23T01:00:00Z"); // Monday 10:00 in Seoul
    roundTheClock = (
      await createHospital(node.app, {
        name: "한빛24시어린이병원",
        departments: ["소아청소년과", "응급의학과"],
        lat: 37.501,
        lng: 127.031,
        openingHours: allDay,
      })
    ).id;
    await createHospital(node.app, {
      name: "한빛",
      address: "서울특별시 마포구 양화로 45",
      district: "마포구",
      departments: ["내과"],
      lat: 37.556,
      lng: 126.922,
      openingHours: [],
    });
    await createHospital(node.app, {
      name: "서울한빛내과의원",
      departments: ["내과"],
      lat: 37.52,
      lng: 127.05,
    });
    await createHospital(node.app, {
      name: "튼튼이비인후과의원",
      departments: ["이비인후과"],
      lat: 37.49,
      lng: 127.02,
    });
    await createHospital(node.app, {
      name: "미래여성의원",
      departments: ["산부인과"],
      lat: 37.6,
      lng: 127.1,
    });
    for (let i = 1; i <= 11; i++) {
      await createHospital(node.app, {
        name: `한마음${i}의원`,
        departments: ["가정의학과"],
        lat: 35.1,
        lng: 129.0,
      });
    }
    await node.broker.call("search.rebuild");
  });
  afterAll(() => node.close());

  test("answers in the API.md shape with total and paging", async () => {
    const res = await search({ q: "한빛", size: 2, page: 1 });
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    expect(res.body.items).toHaveLength(2);
    expect(Object.keys(res.body.items[0]).sort()).toEqual([
      "address",
      "departments",
      "id",
      "lat",
      "lng",
      "name",
    ]);
    expect(names(await search({ q: "한빛", size: 2, page: 2 }))).toEqual(["서울한빛내과의원"]);
  });

  test("ranks exact, then prefix, then infix", async () => {
    expect(names(await search({ q: "한빛" }))).toEqual(["한빛", "한빛24시어린이병원", "서울한빛내과의원"]);
  });

  test("matches any infix of the name, spaces ignored", async () => {
    expect(names(await search({ q: "어린이" }))).toEqual(["한빛24시어린이병원"]);
    expect(names(await search({ q: "24시 어린이" }))).toEqual(["한빛24시어린이병원"]);
    expect(names(await search({ q: "인후" }))).toEqual(["튼튼이비인후과의원"]);
  });

  test("matches 초성, below every spelled-out match, nearest first", async () => {
    expect(names(await search({ q: "ㅇㄹㅇㅂㅇ" }))).toEqual(["한빛24시어린이병원"]);
    const near = await search({ q: "ㅎㅂ", lat: 37.556, lng: 126.922, radiusKm: 50 });
    expect(names(near)).toEqual(["한빛", "한빛24시어린이병원", "서울한빛내과의원"]);
    const km = (near.body.items as { distanceKm: number }[]).map((h) => h.distanceKm);
    expect(km[0]).toBe(0);
    expect(km).toEqual([...km].sort((a, b) => a - b));
  });

  test("reads Korean typed on an English keyboard", async () => {
    expect(names(await search({ q: "gksqlc" }))).toEqual(["한빛", "한빛24시어린이병원", "서울한빛내과의원"]);
  });

  test("knows departments by their everyday and old names, as query and as filter", async () => {
    expect(names(await search({ q: "소아과" }))).toEqual(["한빛24시어린이병원"]);
    expect(names(await search({ q: "이비과" }))).toEqual(["튼튼이비인후과의원"]);
    expect(names(await search({ q: "여성의학과" }))).toEqual(["미래여성의원"]);
    expect(names(await search({ department: "소아과" }))).toEqual(["한빛24시어린이병원"]);
    expect(names(await search({ department: "내과", q: "한빛" }))).toEqual(["한빛", "서울한빛내과의원"]);
    expect((await search({ department: "없는과" })).body.total).toBe(0);
  });

  test("matches the district and the road of the address", async () => {
    expect(names(await search({ q: "마포구" }))).toEqual(["한빛"]);
    expect(names(await search({ q: "양화로" }))).toEqual(["한빛"]);
    expect(names(await search({ q: "마포 내과" }))).toEqual(["한빛"]);
  });

  test("filters by radius with distanceKm, nearest first", async () => {
    const res = await search({ lat: 37.5, lng: 127.03, radiusKm: 3 });
    expect(names(res)).toEqual(["한빛24시어린이병원", "튼튼이비인후과의원", "서울한빛내과의원"]);
    expect(res.body.items[0].distanceKm).toBeGreaterThan(0);
    expect(res.body.items[0].distanceKm).toBeLessThan(res.body.items[1].distanceKm);
  });

  test("openNow follows each hospital's hours in its zone", async () => {
    node.setNow("2026-11-23T15:00:00Z"); // Tuesday 00:00 in Seoul
    expect(names(await search({ openNow: true }))).toEqual(["한빛24시어린이병원"]);
    node.setNow("2026-11-23T01:00:00Z");
    expect((await search({ openNow: true })).body.total).toBe(15); // all but 한빛, which has no hours
  });

  test("suggest returns at most ten names, best first", async () => {
    const res = await get(`/hospitals/suggest?q=${encodeURIComponent("한")}`);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(10);
    expect(res.body.items[0]).toEqual({ id: roundTheClock, name: "한빛24시어린이병원" });
    const none = await get(`/hospitals/suggest?q=${encodeURIComponent("ㅋㅋㅋ")}`);
    expect(none.body.items).toEqual([]);
  });

  test("bad input is a 422 naming the field or a harmless empty answer, never a 500", async () => {
    for (const q of [
      "%",
      "_",
      "*",
      "?",
      '"',
      "'",
      "' OR 1=1 --",
      "\\",
      "한빛*",
      "(",
      "[a-z]+",
      "~1",
      "ㄱ".repeat(60),
    ]) {
      const res = await search({ q });
      expect([q, res.status]).toEqual([q, 200]);
      expect(res.body.total).toBe(0);
    }
    for (const [query, field] of [
      [{ q: "a".repeat(10_000) }, "q"],
      [{ q: "한\u0000빛" }, "q"],
      [{ q: "   " }, "q"],
      [{ lat: 37.5 }, "lng"],
      [{ lat: 37.5, lng: 127, radiusKm: 1e9 }, "radiusKm"],
      [{ size: 500 }, "size"],
      [{ page: 101, size: 100 }, "page"],
    ] as const) {
      const res = await search(query);
      expect([res.status, res.body.error?.details?.fields?.[0]?.field]).toEqual([422, field]);
    }
    // 10k Hangul is 90 kB percent-encoded: Node's HTTP server refuses the request line itself.
    expect((await search({ q: "가".repeat(10_000) })).status).toBe(431);
    const longSuggest = await get(`/hospitals/suggest?q=${"a".repeat(10_000)}`);
    expect(longSuggest.status).toBe(422);
    expect((await get("/hospitals/suggest")).status).toBe(422);
  });

  test("hospital changes reach the index through the outbox", async () => {
    const { token: admin } = await createUser(node, "admin");
    const created = await node.http("POST", "/api/v1/hospitals", {
      token: admin,
      body: {
        name: "새봄한빛의원",
        address: "서울특별시 송파구 올림픽로 300",
        district: "송파구",
        lat: 37.51,
        lng: 127.1,
        phone: "02-555-0101",
        departments: ["피부과"],
        openingHours: allDay,
      },
    });
    expect(created.status).toBe(201);
    const { token: staff } = await createUser(node, "staff", roundTheClock);
    const closed = await node.http("PUT", `/api/v1/hospitals/${roundTheClock}/holidays`, {
      token: staff,
      body: { holidays: ["2026-11-23"] },
    });
    expect(closed.status).toBe(200);

    await eventually(async () => names(await search({ q: "새봄" })).length === 1);
    expect(names(await search({ q: "올림픽로" }))).toEqual(["새봄한빛의원"]);
    await eventually(
      async () => !names(await search({ openNow: true, q: "한빛" })).includes("한빛24시어린이병원"),
    );
    expect(names(await search({ openNow: true, q: "한빛" }))).toEqual(["서울한빛내과의원", "새봄한빛의원"]);
  });
});
