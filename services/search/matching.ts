/**
 * What a query matches and how well: the one definition both engines follow
 * (the embedded index runs it; the Elasticsearch query mirrors it). Pure: no
 * index, no clock (time comes in), no database.
 */
import type { OpeningRange } from "../../platform/calendar";
import { localMoment } from "../../platform/time";
import { isOpenAt } from "../hospitals/day-schedule";
import { departmentsNamed } from "./departments";
import { addressTokens, choseongOf, compact, fromQwerty, isChoseongQuery } from "./korean";

/** A hospital as the search index holds it. */
export interface SearchDoc {
  id: number;
  name: string;
  address: string;
  district: string;
  departments: string[];
  lat: number;
  lng: number;
  timeZone: string;
  openingHours: OpeningRange[];
  /** The hospital's own closed days; public holidays are applied at query time. */
  holidays: string[];
  closesOnPublicHolidays: boolean;
}

/** The derived forms of a document every match reads. */
export interface DocKeys {
  name: string;
  choseong: string;
  places: string[];
}

export function keysOf(doc: SearchDoc): DocKeys {
  return {
    name: compact(doc.name),
    choseong: choseongOf(doc.name),
    places: addressTokens(doc.address, doc.district),
  };
}

/** Match quality, best first: a lower tier ranks higher. */
export const Tier = { EXACT: 0, PREFIX: 1, INFIX: 2, CHOSEONG: 3, RELATED: 4 } as const;
export type Tier = (typeof Tier)[keyof typeof Tier];

/** One word of the query and what it may mean. */
export interface WordPlan {
  /** As typed, and as Hangul when it was typed on the wrong layout. */
  texts: string[];
  choseong: string | null;
  departments: readonly string[];
}

export interface QueryPlan {
  /** The whole query, spaces removed, matched against names (exact, prefix, infix). */
  names: string[];
  /** The whole query when it is all 초성. */
  choseong: string | null;
  /** Each word must match a name, a 초성, a department or a place (tier RELATED). */
  words: WordPlan[];
}

function variants(text: string): string[] {
  const hangul = fromQwerty(text);
  return hangul && hangul !== text ? [text, hangul] : [text];
}

/** Reads a query; null when nothing searchable is left (only spaces or control characters). */
export function planQuery(raw: string): QueryPlan | null {
  const whole = compact(raw);
  if (!whole) return null;
  const words = raw
    .split(/\s+/)
    .map(compact)
    .filter(Boolean)
    .map((word): WordPlan => {
      const texts = variants(word);
      return {
        texts,
        choseong: isChoseongQuery(word) ? word : null,
        departments: [...new Set(texts.flatMap(departmentsNamed))],
      };
    });
  return { names: variants(whole), choseong: isChoseongQuery(whole) ? whole : null, words };
}

function wordMatches(keys: DocKeys, departments: readonly string[], word: WordPlan): boolean {
  return (
    word.texts.some((t) => keys.name.includes(t) || keys.places.some((p) => p.startsWith(t))) ||
    (word.choseong !== null && keys.choseong.includes(word.choseong)) ||
    word.departments.some((d) => departments.includes(d))
  );
}

/** The tiers decided by the name alone (exact, prefix, infix, 초성); null when the name does not match. */
export function nameTier(name: string, choseong: string, plan: QueryPlan): Tier | null {
  let best: Tier | null = null;
  for (const text of plan.names) {
    if (name === text) return Tier.EXACT;
    if (name.startsWith(text)) best = Tier.PREFIX;
    else if (best === null && name.includes(text)) best = Tier.INFIX;
  }
  if (best !== null) return best;
  return plan.choseong !== null && choseong.includes(plan.choseong) ? Tier.CHOSEONG : null;
}

/** Whether every word of the query matches the name, 초성, a department or a place (tier RELATED). */
export function wordsMatch(keys: DocKeys, departments: readonly string[], plan: QueryPlan): boolean {
  return plan.words.every((w) => wordMatches(keys, departments, w));
}

/** How well `doc` matches `plan`; null when it does not. */
export function matchTier(keys: DocKeys, departments: readonly string[], plan: QueryPlan): Tier | null {
  return (
    nameTier(keys.name, keys.choseong, plan) ?? (wordsMatch(keys, departments, plan) ? Tier.RELATED : null)
  );
}

/** The local date and minute of `now` per time zone, worked out once per query. */
export function zoneClock(now: Date): (timeZone: string) => { date: string; minutes: number } {
  const seen = new Map<string, { date: string; minutes: number }>();
  return (timeZone) => {
    let local = seen.get(timeZone);
    if (!local) {
      local = localMoment(now, timeZone);
      seen.set(timeZone, local);
    }
    return local;
  };
}

/** Whether the hospital is open at `local` in its zone, its own and (if it closes on them) public holidays included. */
export function isOpen(
  doc: SearchDoc,
  local: { date: string; minutes: number },
  publicHolidays: ReadonlySet<string>,
): boolean {
  if (doc.closesOnPublicHolidays && publicHolidays.has(local.date)) return false;
  return isOpenAt(
    { timeZone: doc.timeZone, bookingHorizonDays: 0, openingHours: doc.openingHours, holidays: doc.holidays },
    local.date,
    local.minutes,
  );
}

/**
 * `isOpen` for many hospitals at one instant: the local time per zone and the
 * answer per opening-hours value are worked out once (hospitals share their
 * hours; the embedded index keeps one copy of each).
 */
export function openAt(now: Date, publicHolidays: readonly string[]): (doc: SearchDoc) => boolean {
  const local = zoneClock(now);
  const holidays = new Set(publicHolidays);
  const byZone = new Map<string, Map<unknown, boolean>>();
  return (doc) => {
    const at = local(doc.timeZone);
    if (doc.holidays.includes(at.date)) return false;
    if (doc.closesOnPublicHolidays && holidays.has(at.date)) return false;
    let known = byZone.get(doc.timeZone);
    if (!known) byZone.set(doc.timeZone, (known = new Map<unknown, boolean>()));
    let open = known.get(doc.openingHours);
    if (open === undefined) {
      open = isOpen({ ...doc, holidays: [], closesOnPublicHolidays: false }, at, holidays);
      known.set(doc.openingHours, open);
    }
    return open;
  };
}

/** Rounded as the API shows it: two decimals. */
export const roundKm = (km: number) => Math.round(km * 100) / 100;
