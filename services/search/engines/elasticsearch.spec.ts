import Mock from "@elastic/elasticsearch-mock";
import { errors } from "@elastic/elasticsearch";
import type { SearchDoc } from "../matching";
import { ElasticsearchEngine } from "./elasticsearch";
import { SearchUnavailableError } from "./engine";
import type { DocSource } from "./engine";

/** The adapter's requests and its handling of answers, against `@elastic/elasticsearch-mock` (no server). */
interface Sent {
  method: string;
  path: string;
  body: any;
}

const NOW = 1_764_000_000_000;
const ALIAS = "test-hospitals";
const monday10Seoul = new Date("2026-11-23T01:00:00Z");

const doc = (id: number, name: string, over: Partial<SearchDoc> = {}): SearchDoc => ({
  id,
  name,
  address: "서울특별시 강남구 테헤란로 12",
  district: "강남구",
  departments: ["소아청소년과"],
  lat: 37.5,
  lng: 127.03,
  timeZone: "Asia/Seoul",
  openingHours: [{ weekday: 1, start: "09:00", end: "18:00" }],
  holidays: ["2026-12-25"],
  closesOnPublicHolidays: true,
  ...over,
});

const source = (...batches: SearchDoc[][]): DocSource =>
  async function* () {
    for (const batch of batches) yield await Promise.resolve(batch);
  };

/** Bulk bodies arrive as NDJSON text. */
const lines = (body: unknown): any[] =>
  typeof body === "string"
    ? body
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as unknown)
    : (body as any[]);

describe("ElasticsearchEngine", () => {
  let mock: Mock;
  let sent: Sent[];
  let engine: ElasticsearchEngine;

  const answer = (method: string | string[], path: string | string[], reply: (body: any) => unknown) =>
    mock.add({ method, path }, (params) => {
      sent.push({ method: String(params.method), path: String(params.path), body: params.body });
      return reply(params.body) as Record<string, unknown>;
    });
  const notFound = () =>
    new errors.ResponseError({
      body: { error: "not found" },
      statusCode: 404,
      warnings: null,
      meta: {} as never,
    });
  const serverError = () =>
    new errors.ResponseError({ body: { error: "boom" }, statusCode: 500, warnings: null, meta: {} as never });
  const paths = () => sent.map((s) => `${s.method} ${s.path}`);

  beforeEach(() => {
    mock = new Mock();
    sent = [];
    engine = new ElasticsearchEngine({
      url: "http://es.test:9200",
      alias: ALIAS,
      now: () => NOW,
      client: { Connection: mock.getConnection(), maxRetries: 0 },
    });
    answer("PUT", "/_index_template/:name", () => ({ acknowledged: true }));
    answer("PUT", "/:index", () => ({ acknowledged: true }));
    answer("POST", "/_bulk", (body) => ({
      errors: false,
      items: lines(body)
        .filter((l) => l.index || l.delete)
        .map((l) => ({ [l.index ? "index" : "delete"]: { status: 200 } })),
    }));
    answer(["GET", "POST"], "/:index/_refresh", () => ({ _shards: { total: 1, successful: 1, failed: 0 } }));
    answer("POST", "/_aliases", () => ({ acknowledged: true }));
    answer("DELETE", "/:index", () => ({ acknowledged: true }));
  });

  test("first start: template with nori, n-grams, 초성, geo_point and keyword departments; then a full build", async () => {
    answer("HEAD", "/_alias/:name", () => notFound());
    answer("GET", "/_alias/:name", () => notFound());
    await engine.open(source([doc(1, "한빛24시어린이병원")], [doc(2, "서울한빛내과의원")]));

    const index = `${ALIAS}-${NOW}`;
    expect(paths()).toEqual([
      `PUT /_index_template/${ALIAS}-template`,
      `HEAD /_alias/${ALIAS}`,
      `PUT /${index}`,
      "POST /_bulk",
      "POST /_bulk",
      expect.stringMatching(new RegExp(`^(GET|POST) /${index}/_refresh$`)),
      `GET /_alias/${ALIAS}`,
      "POST /_aliases",
    ]);
    const template = sent[0].body;
    expect(template.index_patterns).toEqual([`${ALIAS}-*`]);
    expect(template.template.settings.analysis.tokenizer.korean.type).toBe("nori_tokenizer");
    expect(template.template.settings.analysis.tokenizer.infix).toMatchObject({
      type: "ngram",
      min_gram: 1,
      max_gram: 2,
    });
    const props = template.template.mappings.properties;
    expect(props.location.type).toBe("geo_point");
    expect(props.departments.type).toBe("keyword");
    expect(props.choseong.fields.ngram.analyzer).toBe("infix");
    expect(props.nameKey.fields.ngram.analyzer).toBe("infix");

    const [action, source1] = lines(sent[3].body);
    expect(action).toEqual({ index: { _index: index, _id: "1" } });
    expect(source1).toMatchObject({
      nameKey: "한빛24시어린이병원",
      choseong: "ㅎㅂㅅㅇㄹㅇㅂㅇ",
      places: ["강남구", "테헤란로"],
      location: { lat: 37.5, lon: 127.03 },
      openWeekMinutes: [{ gte: 540, lt: 1080 }],
    });
    expect(sent[7].body).toEqual({ actions: [{ add: { index, alias: ALIAS, is_write_index: true } }] });
  });

  test("a start with the alias in place builds nothing", async () => {
    answer("HEAD", "/_alias/:name", () => ({}));
    await engine.open(source([doc(1, "한빛")]));
    expect(paths()).toEqual([`PUT /_index_template/${ALIAS}-template`, `HEAD /_alias/${ALIAS}`]);
  });

  test("reindex writes a new index, swaps the alias in one request and drops the old index", async () => {
    answer("GET", "/_alias/:name", () => ({ [`${ALIAS}-1`]: { aliases: { [ALIAS]: {} } } }));
    await engine.rebuild(source([doc(1, "한빛")]));
    expect(sent.find((s) => s.path === "/_aliases")?.body).toEqual({
      actions: [
        { remove: { index: `${ALIAS}-1`, alias: ALIAS } },
        { add: { index: `${ALIAS}-${NOW}`, alias: ALIAS, is_write_index: true } },
      ],
    });
    expect(paths().at(-1)).toBe(`DELETE /${ALIAS}-1`);
  });

  test("search: one dis_max of the tiers, literal text, filters, score then distance then id", async () => {
    answer("POST", "/:index/_search", () => ({
      hits: {
        total: { value: 7, relation: "eq" },
        hits: [
          {
            _id: "2",
            _source: { id: 2, name: "한빛", address: "a", departments: ["내과"], lat: 37.5, lng: 127 },
            sort: [10_000, 1.23456, 2],
          },
        ],
      },
    }));
    const page = await engine.search(
      {
        q: 'gksqlc*"',
        departments: ["소아청소년과"],
        near: { lat: 37.5, lng: 127, radiusKm: 3 },
        offset: 20,
        limit: 10,
      },
      { now: monday10Seoul, publicHolidays: [] },
    );
    expect(page).toEqual({
      total: 7,
      items: [
        { id: 2, name: "한빛", address: "a", departments: ["내과"], lat: 37.5, lng: 127, distanceKm: 1.23 },
      ],
    });
    const { body, path } = sent[0];
    expect(path).toBe(`/${ALIAS}/_search`);
    expect(body).toMatchObject({ from: 20, size: 10, track_total_hits: true });
    const tiers = body.query.bool.must[0].dis_max.queries;
    expect(tiers.slice(0, 3)).toEqual([
      { constant_score: { filter: { term: { nameKey: 'gksqlc*"' } }, boost: 10_000 } },
      { constant_score: { filter: { prefix: { nameKey: 'gksqlc*"' } }, boost: 1_000 } },
      {
        constant_score: {
          filter: { match: { "nameKey.ngram": { query: 'gksqlc*"', operator: "and" } } },
          boost: 100,
        },
      },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/query_string|wildcard|regexp/);
    expect(body.query.bool.filter).toEqual([
      { terms: { departments: ["소아청소년과"] } },
      { geo_distance: { distance: "3km", location: { lat: 37.5, lon: 127 } } },
    ]);
    expect(body.sort).toEqual([
      { _score: { order: "desc" } },
      { _geo_distance: { location: { lat: 37.5, lon: 127 }, order: "asc", unit: "km" } },
      { id: { order: "asc" } },
    ]);
  });

  test("Latin typed on the Korean layout and 초성 queries become Hangul and 초성 tiers", async () => {
    answer("POST", "/:index/_search", () => ({ hits: { total: { value: 0, relation: "eq" }, hits: [] } }));
    await engine.search({ q: "gksqlc", offset: 0, limit: 20 }, { now: monday10Seoul, publicHolidays: [] });
    await engine.search({ q: "ㅎㅂ", offset: 0, limit: 20 }, { now: monday10Seoul, publicHolidays: [] });
    const [latin, choseong] = sent.map((s) => JSON.stringify(s.body));
    expect(latin).toContain('{"term":{"nameKey":"한빛"}}');
    expect(choseong).toContain('{"match":{"choseong.ngram":{"query":"ㅎㅂ","operator":"and"}}},"boost":10}');
  });

  test("openNow: per zone, the local week minute in an opening range and not a closed day", async () => {
    answer("POST", "/:index/_search", (body) =>
      body.aggs
        ? {
            hits: { total: { value: 0 }, hits: [] },
            aggregations: { zones: { buckets: [{ key: "Asia/Seoul", doc_count: 2 }] } },
          }
        : { hits: { total: { value: 0 }, hits: [] } },
    );
    await engine.search(
      { openNow: true, offset: 0, limit: 20 },
      { now: monday10Seoul, publicHolidays: ["2026-11-23"] },
    );
    expect(sent[0].body.aggs.zones.terms.field).toBe("timeZone");
    expect(sent[1].body.query.bool.filter).toEqual([
      {
        bool: {
          should: [
            {
              bool: {
                filter: [{ term: { timeZone: "Asia/Seoul" } }, { term: { openWeekMinutes: 600 } }],
                must_not: [{ term: { holidays: "2026-11-23" } }, { term: { closesOnPublicHolidays: true } }],
              },
            },
          ],
          minimum_should_match: 1,
        },
      },
    ]);
    expect(sent[1].body.sort).toEqual([{ id: { order: "asc" } }]);
  });

  test("suggest asks for ten names by tier", async () => {
    answer("POST", "/:index/_search", () => ({
      hits: { total: { value: 1 }, hits: [{ _id: "1", _source: { id: 1, name: "한빛" }, sort: [1000, 1] }] },
    }));
    expect(await engine.suggest("한", 10)).toEqual([{ id: 1, name: "한빛" }]);
    expect(sent[0].body).toMatchObject({ size: 10, _source: ["id", "name"] });
  });

  test("events: upserts and deletes in one bulk; a missing document's delete is fine", async () => {
    mock.clear({ method: "POST", path: "/_bulk" });
    answer("POST", "/_bulk", () => ({
      errors: true,
      items: [{ index: { status: 201 } }, { delete: { status: 404, error: { type: "not_found" } } }],
    }));
    await engine.upsert([doc(1, "한빛")]);
    await engine.remove([9]);
    expect(lines(sent[0].body)[0]).toEqual({ index: { _index: ALIAS, _id: "1" } });
    expect(lines(sent[1].body)).toEqual([{ delete: { _index: ALIAS, _id: "9" } }]);
  });

  test("refused bulk items and server errors become a retryable SEARCH_UNAVAILABLE", async () => {
    mock.clear({ method: "POST", path: "/_bulk" });
    answer("POST", "/_bulk", () => ({
      errors: true,
      items: [{ index: { status: 400, error: { type: "mapper_parsing_exception" } } }],
    }));
    await expect(engine.upsert([doc(1, "한빛")])).rejects.toBeInstanceOf(SearchUnavailableError);
    answer("POST", "/:index/_search", () => serverError());
    const failure = engine.search(
      { q: "한빛", offset: 0, limit: 20 },
      { now: monday10Seoul, publicHolidays: [] },
    );
    await expect(failure).rejects.toMatchObject({ type: "SEARCH_UNAVAILABLE", code: 503, retryable: true });
  });

  test("a query with nothing searchable left sends nothing", async () => {
    expect(
      await engine.search(
        { q: " \u0000 ", offset: 0, limit: 20 },
        { now: monday10Seoul, publicHolidays: [] },
      ),
    ).toEqual({
      items: [],
      total: 0,
    });
    expect(sent).toEqual([]);
  });
});
