/**
 * What the Elasticsearch adapter sends: the index template, a hospital as a
 * document, and the search body that mirrors `matchTier` (one constant score
 * per tier under a `dis_max`, so the best tier a document reaches is its score).
 * Pure, so the requests can be checked without a server.
 */
import type { estypes } from "@elastic/elasticsearch";
import { isoWeekday, toMinutes } from "../../../platform/time";
import type { QueryPlan, SearchDoc } from "../matching";
import { Tier, keysOf, planQuery, zoneClock } from "../matching";
import type { SearchContext, SearchHit, SearchPage, SearchQuery } from "./engine";

/** The score of each tier: far enough apart that the best one decides. */
const TIER_SCORE: Record<Tier, number> = { 0: 10_000, 1: 1_000, 2: 100, 3: 10, 4: 1 };
const MINUTES_PER_DAY = 1440;

export function indexTemplate(alias: string): estypes.IndicesPutIndexTemplateRequest {
  const ngramField = { type: "text", analyzer: "infix" } as const;
  return {
    name: `${alias}-template`,
    index_patterns: [`${alias}-*`],
    template: {
      settings: {
        number_of_shards: 1,
        analysis: {
          tokenizer: {
            // 1- and 2-grams of every character (Korean has no word boundaries to wait for).
            infix: { type: "ngram", min_gram: 1, max_gram: 2, token_chars: [] },
            korean: { type: "nori_tokenizer", decompound_mode: "mixed" },
          },
          analyzer: {
            infix: { type: "custom", tokenizer: "infix", filter: ["lowercase"] },
            korean: { type: "custom", tokenizer: "korean", filter: ["lowercase"] },
          },
        },
      },
      mappings: {
        dynamic: "strict",
        properties: {
          id: { type: "integer" },
          name: { type: "text", analyzer: "korean" },
          nameKey: { type: "keyword", fields: { ngram: ngramField } },
          choseong: { type: "keyword", fields: { ngram: ngramField } },
          places: { type: "keyword" },
          address: { type: "text", analyzer: "korean" },
          departments: { type: "keyword" },
          location: { type: "geo_point" },
          lat: { type: "double", index: false },
          lng: { type: "double", index: false },
          timeZone: { type: "keyword" },
          openWeekMinutes: { type: "integer_range" },
          holidays: { type: "keyword" },
          closesOnPublicHolidays: { type: "boolean" },
        },
      },
    },
  };
}

/** Minute of the local week, Monday 00:00 = 0: opening ranges become integer ranges to test one point against. */
const weekMinute = (weekday: number, clock: string) => (weekday - 1) * MINUTES_PER_DAY + toMinutes(clock);

/** The document a hospital is indexed as; the 초성 and name key are computed here, at index time. */
export function toEsDocument(doc: SearchDoc) {
  const keys = keysOf(doc);
  return {
    id: doc.id,
    name: doc.name,
    nameKey: keys.name,
    choseong: keys.choseong,
    places: keys.places,
    address: doc.address,
    departments: doc.departments,
    location: { lat: doc.lat, lon: doc.lng },
    lat: doc.lat,
    lng: doc.lng,
    timeZone: doc.timeZone,
    openWeekMinutes: doc.openingHours.map((r) => ({
      gte: weekMinute(r.weekday, r.start),
      lt: weekMinute(r.weekday, r.end),
    })),
    holidays: doc.holidays,
    closesOnPublicHolidays: doc.closesOnPublicHolidays,
  };
}

const tier = (t: Tier, filter: estypes.QueryDslQueryContainer): estypes.QueryDslQueryContainer => ({
  constant_score: { filter, boost: TIER_SCORE[t] },
});
const infix = (field: string, text: string): estypes.QueryDslQueryContainer => ({
  match: { [`${field}.ngram`]: { query: text, operator: "and" } },
});

/** The tiers of `matchTier` as one query. */
export function textQuery(plan: QueryPlan): estypes.QueryDslQueryContainer {
  const queries = plan.names.flatMap((t) => [
    tier(Tier.EXACT, { term: { nameKey: t } }),
    tier(Tier.PREFIX, { prefix: { nameKey: t } }),
    tier(Tier.INFIX, infix("nameKey", t)),
  ]);
  if (plan.choseong) queries.push(tier(Tier.CHOSEONG, infix("choseong", plan.choseong)));
  const words = plan.words.map((w): estypes.QueryDslQueryContainer => ({
    bool: {
      minimum_should_match: 1,
      should: [
        ...w.texts.flatMap((t) => [infix("nameKey", t), { prefix: { places: t } }]),
        ...(w.choseong ? [infix("choseong", w.choseong)] : []),
        ...(w.departments.length > 0 ? [{ terms: { departments: [...w.departments] } }] : []),
      ],
    },
  }));
  queries.push(tier(Tier.RELATED, { bool: { must: words } }));
  return { dis_max: { queries, tie_breaker: 0 } };
}

/** Open now: per zone, the local week minute inside an opening range and no closed day today. */
export function openNowFilter(
  zones: readonly string[],
  context: SearchContext,
): estypes.QueryDslQueryContainer {
  const local = zoneClock(context.now);
  const should = zones.map((zone): estypes.QueryDslQueryContainer => {
    const { date, minutes } = local(zone);
    const isPublicHoliday = context.publicHolidays.includes(date);
    return {
      bool: {
        filter: [
          { term: { timeZone: zone } },
          { term: { openWeekMinutes: (isoWeekday(date) - 1) * MINUTES_PER_DAY + minutes } },
        ],
        must_not: [
          { term: { holidays: date } },
          ...(isPublicHoliday ? [{ term: { closesOnPublicHolidays: true } }] : []),
        ],
      },
    };
  });
  return { bool: { should, minimum_should_match: 1 } };
}

/** The search request body; null when the query can match nothing (only spaces or control characters). */
export function searchBody(
  query: SearchQuery,
  context: SearchContext,
  zones: readonly string[],
): estypes.SearchRequest | null {
  const plan = query.q === undefined ? null : planQuery(query.q);
  if (query.q !== undefined && !plan) return null;
  const filter: estypes.QueryDslQueryContainer[] = [];
  if (query.departments) filter.push({ terms: { departments: [...query.departments] } });
  const { near } = query;
  if (near) {
    filter.push({
      geo_distance: { distance: `${near.radiusKm}km`, location: { lat: near.lat, lon: near.lng } },
    });
  }
  if (query.openNow) filter.push(openNowFilter(zones, context));
  const sort: estypes.SortCombinations[] = [];
  if (plan) sort.push({ _score: { order: "desc" } });
  if (near) {
    sort.push({ _geo_distance: { location: { lat: near.lat, lon: near.lng }, order: "asc", unit: "km" } });
  }
  sort.push({ id: { order: "asc" } });
  return {
    from: query.offset,
    size: query.limit,
    track_total_hits: true,
    _source: ["id", "name", "address", "departments", "lat", "lng"],
    query: { bool: { ...(plan ? { must: [textQuery(plan)] } : {}), filter } },
    sort,
  };
}

/** The API page from a search response; the distance is the geo sort value. */
export function pageOf(response: estypes.SearchResponse<SearchHit>, query: SearchQuery): SearchPage {
  const distanceAt = query.q !== undefined ? 1 : 0;
  const total = response.hits.total;
  return {
    total: typeof total === "number" ? total : (total?.value ?? 0),
    items: response.hits.hits.flatMap((hit) => {
      if (!hit._source) return [];
      const { id, name, address, departments, lat, lng } = hit._source;
      const km = query.near ? Number(hit.sort?.[distanceAt]) : undefined;
      return [
        {
          id,
          name,
          address,
          departments,
          lat,
          lng,
          ...(km === undefined ? {} : { distanceKm: Math.round(km * 100) / 100 }),
        },
      ];
    }),
  };
}
