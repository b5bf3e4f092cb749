/** The port every search engine implements; `resolve()` (./index.ts) picks one from configuration. */
import { RetryableError } from "../../../platform/errors";
import type { SearchDoc } from "../matching";

export interface SearchQuery {
  q?: string;
  /** Any of these (already resolved from synonyms); absent means every department. */
  departments?: readonly string[];
  near?: { lat: number; lng: number; radiusKm: number };
  openNow?: boolean;
  offset: number;
  limit: number;
}

/** What a query needs from outside the index: the instant and the public holidays on file. */
export interface SearchContext {
  now: Date;
  publicHolidays: readonly string[];
}

/** One result, in the API's shape (`distanceKm` only for a query with coordinates). */
export interface SearchHit {
  id: number;
  name: string;
  address: string;
  departments: string[];
  lat: number;
  lng: number;
  distanceKm?: number;
}

export interface SearchPage {
  items: SearchHit[];
  total: number;
}

/** Hospitals in batches (ascending id), for a full build. */
export type DocSource = () => AsyncIterable<readonly SearchDoc[]>;

export interface SearchEngine {
  readonly kind: "embedded" | "elasticsearch";
  /**
   * Makes the index ready when the service starts: the embedded engine builds
   * it from `source`; Elasticsearch does so only when its alias is missing.
   */
  open(source: DocSource): Promise<void>;
  /** A full rebuild from `source` (Elasticsearch: a new index, then the alias swap). */
  rebuild(source: DocSource): Promise<void>;
  upsert(docs: readonly SearchDoc[]): Promise<void>;
  remove(ids: readonly number[]): Promise<void>;
  search(query: SearchQuery, context: SearchContext): Promise<SearchPage>;
  /** At most `limit` names for autocomplete, best match first. */
  suggest(q: string, limit: number): Promise<{ id: number; name: string }[]>;
  close(): Promise<void>;
}

export const hitOf = (doc: SearchDoc, distanceKm?: number): SearchHit => ({
  id: doc.id,
  name: doc.name,
  address: doc.address,
  departments: doc.departments,
  lat: doc.lat,
  lng: doc.lng,
  ...(distanceKm === undefined ? {} : { distanceKm }),
});

/** The engine could not answer (Elasticsearch down or refusing): retryable, a 503 to clients. */
export class SearchUnavailableError extends RetryableError {
  constructor(message: string, cause?: unknown) {
    super("SEARCH_UNAVAILABLE", message, cause instanceof Error ? { cause: cause.message } : {});
  }
}
