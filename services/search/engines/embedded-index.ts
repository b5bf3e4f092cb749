/**
 * The embedded engine's data: documents by id, and posting lists that only
 * narrow a query down (the matching module decides). Names are indexed once
 * per distinct name and addresses once per distinct set of places, since many
 * hospitals share them (chains, "…소아청소년과의원" in every district): the
 * name and 초성 grams point at name groups, not at hospitals.
 */
import { addressTokens, choseongOf, compact } from "../korean";
import type { SearchDoc } from "../matching";

/** Hospitals sharing one compact name (or one set of places), ids ascending. */
export interface Group {
  name: string;
  choseong: string;
  places: string[];
  ids: number[];
  /** Query scratch (queries are synchronous): the query that last looked at this group, and the tier it gave. */
  seenBy: number;
  tier: number;
}

export interface Entry {
  doc: SearchDoc;
  nameGroup: Group;
  placeGroup: Group;
}

/** Grid cells for radius queries: 0.05° is about 5.5 km north–south. */
export const CELL_DEG = 0.05;
export const cellKey = (i: number, j: number) => `${i}:${j}`;
const cellOf = (lat: number, lng: number) => cellKey(Math.floor(lat / CELL_DEG), Math.floor(lng / CELL_DEG));

/** The 1- and 2-character grams of `text`. */
export function grams(text: string): string[] {
  const chars = [...text];
  const out = new Set(chars);
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  return [...out];
}

/** Inserts `id` keeping `list` ascending (no duplicates). */
function insertSorted(list: number[], id: number): void {
  let lo = 0;
  let hi = list.length;
  if (hi === 0 || list[hi - 1] < id) {
    list.push(id);
    return;
  }
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] !== id) list.splice(lo, 0, id);
}

function removeSorted(list: number[], id: number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] === id) list.splice(lo, 1);
}

function post<K>(map: Map<string, K[]>, key: string, value: K): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export class EmbeddedIndex {
  /** By hospital id (ids are the table's auto-increment keys, so this stays dense). */
  readonly docs: (Entry | undefined)[] = [];
  size = 0;
  private readonly names = new Map<string, Group>();
  private readonly placeSets = new Map<string, Group>();
  /** Name gram → name groups; `c:` 초성 gram → name groups. */
  private readonly nameGrams = new Map<string, Group[]>();
  /** Place prefix → place groups. */
  private readonly placePrefixes = new Map<string, Group[]>();
  /** Department → ids; grid cell → ids. */
  private readonly departments = new Map<string, number[]>();
  private readonly cells = new Map<string, number[]>();
  /** Values many hospitals share, by their JSON. */
  private readonly shared = new Map<string, unknown>();

  add(row: SearchDoc): void {
    if (this.docs[row.id]) this.delete(row.id);
    const doc = this.slim(row);
    const nameGroup = this.nameGroup(compact(doc.name), doc.name);
    const placeGroup = this.placeGroup(addressTokens(doc.address, doc.district));
    insertSorted(nameGroup.ids, doc.id);
    insertSorted(placeGroup.ids, doc.id);
    for (const d of doc.departments) insertSorted(this.listOf(this.departments, d), doc.id);
    insertSorted(this.listOf(this.cells, cellOf(doc.lat, doc.lng)), doc.id);
    this.docs[doc.id] = { doc, nameGroup, placeGroup };
    this.size += 1;
  }

  delete(id: number): void {
    const entry = this.docs[id];
    if (!entry) return;
    removeSorted(entry.nameGroup.ids, id);
    removeSorted(entry.placeGroup.ids, id);
    for (const d of entry.doc.departments) removeSorted(this.listOf(this.departments, d), id);
    removeSorted(this.listOf(this.cells, cellOf(entry.doc.lat, entry.doc.lng)), id);
    this.docs[id] = undefined;
    this.size -= 1;
  }

  /** The smallest posting list among `text`'s grams (its bigrams when it has two characters or more). */
  nameCandidates(text: string, choseong = false): readonly Group[] {
    const all = grams(text);
    const wanted = all.length > 1 ? all.filter((g) => [...g].length === 2) : all;
    let best: readonly Group[] | null = null;
    for (const g of wanted) {
      const list = this.nameGrams.get(choseong ? `c:${g}` : g) ?? [];
      if (best === null || list.length < best.length) best = list;
    }
    return best ?? [];
  }

  placesStartingWith(prefix: string): readonly Group[] {
    return this.placePrefixes.get(prefix) ?? [];
  }

  withDepartment(department: string): readonly number[] {
    return this.departments.get(department) ?? [];
  }

  inCell(i: number, j: number): readonly number[] {
    return this.cells.get(cellKey(i, j)) ?? [];
  }

  /**
   * The document as kept: only its own fields, and the parts hospitals share
   * (opening hours, departments, district, zone) held once — most of the
   * index's memory otherwise.
   */
  private slim(doc: SearchDoc): SearchDoc {
    return {
      id: doc.id,
      name: doc.name,
      address: doc.address,
      district: this.intern(doc.district),
      departments: this.intern(doc.departments),
      lat: doc.lat,
      lng: doc.lng,
      timeZone: this.intern(doc.timeZone),
      openingHours: this.intern(doc.openingHours),
      holidays: this.intern(doc.holidays),
      closesOnPublicHolidays: doc.closesOnPublicHolidays,
    };
  }

  private intern<T>(value: T): T {
    const key = typeof value === "string" ? `s:${value}` : `j:${JSON.stringify(value)}`;
    const kept = this.shared.get(key) as T | undefined;
    if (kept !== undefined) return kept;
    this.shared.set(key, value);
    return value;
  }

  private listOf(map: Map<string, number[]>, key: string): number[] {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    return list;
  }

  private nameGroup(key: string, name: string): Group {
    let group = this.names.get(key);
    if (!group) {
      group = { name: key, choseong: choseongOf(name), places: [], ids: [], seenBy: 0, tier: 0 };
      this.names.set(key, group);
      for (const g of grams(group.name)) post(this.nameGrams, g, group);
      for (const g of grams(group.choseong)) post(this.nameGrams, `c:${g}`, group);
    }
    return group;
  }

  private placeGroup(places: string[]): Group {
    const key = places.join(" ");
    let group = this.placeSets.get(key);
    if (!group) {
      group = { name: "", choseong: "", places, ids: [], seenBy: 0, tier: 0 };
      this.placeSets.set(key, group);
      const prefixes = new Set(places.flatMap((p) => [...p].map((_, i) => [...p].slice(0, i + 1).join(""))));
      for (const prefix of prefixes) post(this.placePrefixes, prefix, group);
    }
    return group;
  }
}
