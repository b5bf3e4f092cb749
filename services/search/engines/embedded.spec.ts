import fc from "fast-check";
import type { SearchDoc } from "../matching";
import { EmbeddedEngine } from "./embedded";
import type { SearchContext } from "./engine";

const monday10Seoul: SearchContext = { now: new Date("2026-11-23T01:00:00Z"), publicHolidays: [] };

const doc = (id: number, name: string, over: Partial<SearchDoc> = {}): SearchDoc => ({
  id,
  name,
  address: "서울특별시 강남구 테헤란로 12",
  district: "강남구",
  departments: ["내과"],
  lat: 37.5,
  lng: 127.03,
  timeZone: "Asia/Seoul",
  openingHours: [{ weekday: 1, start: "09:00", end: "18:00" }],
  holidays: [],
  closesOnPublicHolidays: true,
  ...over,
});

async function engineWith(docs: SearchDoc[]): Promise<EmbeddedEngine> {
  const engine = new EmbeddedEngine();
  await engine.rebuild(async function* () {
    yield await Promise.resolve(docs);
  });
  return engine;
}

const names = async (engine: EmbeddedEngine, q: string, over = {}) =>
  (await engine.search({ q, offset: 0, limit: 20, ...over }, monday10Seoul)).items.map((h) => h.name);

describe("EmbeddedEngine", () => {
  test("an update moves a hospital to its new name; a removal drops it", async () => {
    const engine = await engineWith([doc(1, "한빛의원"), doc(2, "한빛의원"), doc(3, "바른내과")]);
    expect(await names(engine, "한빛")).toEqual(["한빛의원", "한빛의원"]);
    await engine.upsert([doc(2, "새봄의원")]);
    expect(await names(engine, "한빛")).toEqual(["한빛의원"]);
    expect(await names(engine, "ㅅㅂ")).toEqual(["새봄의원"]);
    await engine.remove([1, 99]);
    expect(await names(engine, "한빛")).toEqual([]);
    expect(engine.size).toBe(2);
  });

  test("filters apply to name and related matches alike", async () => {
    const engine = await engineWith([
      doc(1, "한빛의원", { departments: ["소아청소년과"] }),
      doc(2, "한빛내과", { openingHours: [] }),
      doc(3, "튼튼의원", { departments: ["소아청소년과"], lat: 37.6 }),
    ]);
    expect(await names(engine, "한빛", { departments: ["소아청소년과"] })).toEqual(["한빛의원"]);
    expect(await names(engine, "한빛", { openNow: true })).toEqual(["한빛의원"]);
    expect(await names(engine, "소아과", { near: { lat: 37.5, lng: 127.03, radiusKm: 5 } })).toEqual([
      "한빛의원",
    ]);
  });

  test("pages follow tier then id, and their union is the whole answer", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom("한빛", "한빛의원", "서울한빛의원", "한국빛병원", "튼튼의원"), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 7 }),
        async (list, size) => {
          const engine = await engineWith(list.map((name, i) => doc(i + 1, name)));
          const all = await engine.search({ q: "한빛", offset: 0, limit: 1000 }, monday10Seoul);
          const paged = [];
          for (let offset = 0; offset < all.total; offset += size) {
            paged.push(...(await engine.search({ q: "한빛", offset, limit: size }, monday10Seoul)).items);
          }
          expect(paged).toEqual(all.items);
          const rank = (n: string) => (n === "한빛" ? 0 : n.startsWith("한빛") ? 1 : 2);
          const expected = list
            .map((name, i) => ({ name, id: i + 1 }))
            .filter((h) => h.name.includes("한빛"))
            .sort((a, b) => rank(a.name) - rank(b.name) || a.id - b.id);
          expect(all.items.map((h) => h.id)).toEqual(expected.map((h) => h.id));
        },
      ),
      { numRuns: 50 },
    );
  });

  test("suggest gives at most the limit, best first", async () => {
    const engine = await engineWith(
      Array.from({ length: 15 }, (_, i) => doc(i + 1, i === 9 ? "한빛" : `한빛${i}의원`)),
    );
    const suggested = await engine.suggest("한빛", 10);
    expect(suggested).toHaveLength(10);
    expect(suggested[0]).toEqual({ id: 10, name: "한빛" });
  });
});
