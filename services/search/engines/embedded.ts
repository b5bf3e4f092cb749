/**
 * The default engine: an in-process index, built when the service starts and
 * kept current from hospital change events. A query marks the tier of each
 * matching hospital in a byte per id (name tiers once per distinct name), then
 * one pass in id order counts them and keeps the first page of each tier.
 */
import { distanceKm } from "../../hospitals/hospital-view";
import type { QueryPlan, SearchDoc, WordPlan } from "../matching";
import { Tier, nameTier, openAt, planQuery, roundKm, wordsMatch } from "../matching";
import type { DocSource, SearchContext, SearchEngine, SearchPage, SearchQuery } from "./engine";
import { hitOf } from "./engine";
import type { Entry, Group } from "./embedded-index";
import { CELL_DEG, EmbeddedIndex } from "./embedded-index";
import { SmallestIds } from "./smallest-ids";

const NONE = 255;
const KM_PER_DEGREE_LAT = 111.32;

/**
 * Hospitals matching one word, each source checked (so a one-word query needs
 * no further check). `byName` false skips name and 초성 matches: for a
 * one-word query the name tiers have marked those already.
 */
function wordCandidates(index: EmbeddedIndex, word: WordPlan, byName: boolean): number[] {
  const ids: number[] = [];
  const add = (list: readonly number[]) => {
    for (const id of list) ids.push(id);
  };
  const addGroups = (groups: readonly Group[]) => groups.forEach((g) => add(g.ids));
  for (const t of word.texts) {
    if (byName) addGroups(index.nameCandidates(t).filter((g) => g.name.includes(t)));
    addGroups(index.placesStartingWith(t));
  }
  const { choseong } = word;
  if (choseong && byName) {
    addGroups(index.nameCandidates(choseong, true).filter((g) => g.choseong.includes(choseong)));
  }
  word.departments.forEach((d) => add(index.withDepartment(d)));
  return ids;
}

function cellsAround(index: EmbeddedIndex, lat: number, lng: number, radiusKm: number): number[] {
  const dLat = radiusKm / KM_PER_DEGREE_LAT;
  const dLng = radiusKm / (KM_PER_DEGREE_LAT * Math.max(Math.cos((lat * Math.PI) / 180), 0.01));
  const ids: number[] = [];
  for (let i = Math.floor((lat - dLat) / CELL_DEG); i <= Math.floor((lat + dLat) / CELL_DEG); i++)
    for (let j = Math.floor((lng - dLng) / CELL_DEG); j <= Math.floor((lng + dLng) / CELL_DEG); j++)
      ids.push(...index.inCell(i, j));
  return ids;
}

/**
 * One query's marks: the best tier per hospital id, and the ids marked (in
 * marking order). The byte array is the engine's, reused: a query is
 * synchronous, and `clear` resets only what it marked.
 */
class Marks {
  readonly touched: number[] = [];

  constructor(readonly tiers: Uint8Array) {}

  clear(): void {
    for (const id of this.touched) this.tiers[id] = NONE;
  }

  mark(id: number, tier: number): void {
    const was = this.tiers[id];
    if (was === NONE) this.touched.push(id);
    if (tier < was) this.tiers[id] = tier;
  }
}

/**
 * The name tiers per distinct name, then the hospitals matching only as
 * RELATED (marked in `marks`, which dedupes them). Name tiers stay per group:
 * a query without filters never touches their hospitals one by one.
 */
function matchText(index: EmbeddedIndex, plan: QueryPlan, marks: Marks, query: number): Group[] {
  const groups: Group[] = [];
  const consider = (g: Group) => {
    if (g.seenBy === query) return;
    g.seenBy = query;
    g.tier = nameTier(g.name, g.choseong, plan) ?? NONE;
    if (g.tier !== NONE && g.ids.length > 0) groups.push(g);
  };
  for (const text of plan.names) index.nameCandidates(text).forEach(consider);
  if (plan.choseong) index.nameCandidates(plan.choseong, true).forEach(consider);
  const matched = (g: Group) => g.seenBy === query && g.tier !== NONE;
  // Every word must match, so the candidates of any one word cover the rest: the fewest are checked.
  const single = plan.words.length === 1;
  const perWord = plan.words
    .map((w) => wordCandidates(index, w, !single))
    .sort((a, b) => a.length - b.length);
  for (const id of perWord[0] ?? []) {
    const entry = index.docs[id];
    if (!entry || marks.tiers[id] !== NONE || matched(entry.nameGroup)) continue;
    const keys = {
      name: entry.nameGroup.name,
      choseong: entry.nameGroup.choseong,
      places: entry.placeGroup.places,
    };
    if (single || wordsMatch(keys, entry.doc.departments, plan)) marks.mark(id, Tier.RELATED);
  }
  return groups;
}

interface Ranked {
  entry: Entry;
  km?: number;
}

export class EmbeddedEngine implements SearchEngine {
  readonly kind = "embedded";
  private index = new EmbeddedIndex();
  private scratch = new Uint8Array(0);
  /** Numbers each query, for the groups' scratch fields. */
  private queries = 0;

  get size(): number {
    return this.index.size;
  }

  open(source: DocSource): Promise<void> {
    return this.rebuild(source);
  }

  async rebuild(source: DocSource): Promise<void> {
    // Built aside and swapped in, so searches meanwhile read the old index.
    const fresh = new EmbeddedIndex();
    for await (const batch of source()) batch.forEach((doc) => fresh.add(doc));
    this.index = fresh;
  }

  upsert(docs: readonly SearchDoc[]): Promise<void> {
    docs.forEach((doc) => this.index.add(doc));
    return Promise.resolve();
  }

  remove(ids: readonly number[]): Promise<void> {
    ids.forEach((id) => this.index.delete(id));
    return Promise.resolve();
  }

  search(query: SearchQuery, context: SearchContext): Promise<SearchPage> {
    const { ranked, total } = this.run(query, context, query.offset + query.limit);
    return Promise.resolve({
      items: ranked
        .slice(query.offset)
        .map((r) => hitOf(r.entry.doc, r.km === undefined ? undefined : roundKm(r.km))),
      total,
    });
  }

  suggest(q: string, limit: number): Promise<{ id: number; name: string }[]> {
    const { ranked } = this.run({ q, offset: 0, limit }, { now: new Date(0), publicHolidays: [] }, limit);
    return Promise.resolve(ranked.map(({ entry }) => ({ id: entry.doc.id, name: entry.doc.name })));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** The first `want` matches in rank order, and how many match in all. */
  private run(query: SearchQuery, context: SearchContext, want: number): { ranked: Ranked[]; total: number } {
    if (this.scratch.length < this.index.docs.length) {
      this.scratch = new Uint8Array(this.index.docs.length + 1024).fill(NONE);
    }
    const marks = new Marks(this.scratch);
    try {
      return this.rank(query, context, want, marks);
    } finally {
      marks.clear();
    }
  }

  private rank(
    query: SearchQuery,
    context: SearchContext,
    want: number,
    marks: Marks,
  ): { ranked: Ranked[]; total: number } {
    const { index } = this;
    const { near, departments } = query;
    if (query.q !== undefined) {
      const plan = planQuery(query.q);
      if (!plan) return { ranked: [], total: 0 };
      const groups = matchText(index, plan, marks, ++this.queries);
      if (!departments && !near && !query.openNow) return this.byGroups(groups, marks.touched, want);
      for (const g of groups) for (const id of g.ids) marks.mark(id, g.tier);
    } else {
      let ids: Iterable<number>;
      if (near) ids = cellsAround(index, near.lat, near.lng, near.radiusKm);
      else if (departments) ids = departments.flatMap((d) => index.withDepartment(d));
      else ids = index.docs.keys();
      for (const id of ids) if (index.docs[id]) marks.mark(id, Tier.EXACT);
    }

    const km = near ? new Map<number, number>() : null;
    if (departments || near || query.openNow) {
      const isOpenNow = openAt(context.now, context.publicHolidays);
      for (const id of marks.touched) {
        const doc = index.docs[id]?.doc;
        if (!doc) continue;
        let keep = !departments || departments.some((d) => doc.departments.includes(d));
        if (keep && near && km) {
          const d = distanceKm(near.lat, near.lng, doc.lat, doc.lng);
          km.set(id, d);
          keep = d <= near.radiusKm;
        }
        if (keep && query.openNow) keep = isOpenNow(doc);
        if (!keep) marks.tiers[id] = NONE;
      }
    }
    return km ? this.byDistance(marks, km, want) : this.byId(marks, want);
  }

  /** Tier, then id, straight from the name groups (ids ascending in each) and the RELATED ids. */
  private byGroups(groups: readonly Group[], related: readonly number[], want: number) {
    const pages = Array.from({ length: 5 }, () => new SmallestIds(want));
    let total = related.length;
    for (const g of groups) {
      total += g.ids.length;
      const page = pages[g.tier];
      for (const id of g.ids) if (!page.offer(id)) break;
    }
    related.forEach((id) => pages[Tier.RELATED].offer(id));
    return { ranked: this.entriesOf(pages, want), total };
  }

  private entriesOf(pages: readonly SmallestIds[], want: number): Ranked[] {
    return pages
      .flatMap((p) => p.sorted())
      .slice(0, want)
      .flatMap((id) => {
        const entry = this.index.docs[id];
        return entry ? [{ entry }] : [];
      });
  }

  /** Tier, then id: one pass over the marked ids keeps the `want` smallest ids of each tier. */
  private byId(marks: Marks, want: number): { ranked: Ranked[]; total: number } {
    const { tiers, touched } = marks;
    const pages = Array.from({ length: 5 }, () => new SmallestIds(want));
    let total = 0;
    const take = (id: number) => {
      const tier = tiers[id];
      if (tier === NONE) return;
      total += 1;
      pages[tier].offer(id);
    };
    // Many marks: a pass in id order offers each tier its ids ascending, so nothing is ever replaced.
    if (touched.length * 4 > this.index.docs.length)
      for (let id = 0; id < this.index.docs.length; id++) take(id);
    else touched.forEach(take);
    return { ranked: this.entriesOf(pages, want), total };
  }

  /** Tier, then distance, then id. */
  private byDistance(
    marks: Marks,
    km: Map<number, number>,
    want: number,
  ): { ranked: Ranked[]; total: number } {
    const matched = marks.touched.filter((id) => marks.tiers[id] !== NONE);
    matched.sort((a, b) => marks.tiers[a] - marks.tiers[b] || (km.get(a) ?? 0) - (km.get(b) ?? 0) || a - b);
    const ranked = matched.slice(0, want).flatMap((id) => {
      const entry = this.index.docs[id];
      return entry ? [{ entry, km: km.get(id) }] : [];
    });
    return { ranked, total: matched.length };
  }
}
