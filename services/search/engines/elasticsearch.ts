/**
 * The cluster engine: hospitals in Elasticsearch (nori, n-grams, 초성, geo),
 * read through an alias. A full rebuild writes a new index and swaps the alias
 * in one request, so searches never see a half-built index.
 */
import { Client, errors } from "@elastic/elasticsearch";
import type { ClientOptions } from "@elastic/elasticsearch";
import type { SearchDoc } from "../matching";
import type { DocSource, SearchContext, SearchEngine, SearchHit, SearchPage, SearchQuery } from "./engine";
import { SearchUnavailableError } from "./engine";
import { indexTemplate, pageOf, searchBody, textQuery, toEsDocument } from "./elasticsearch-mapping";
import { planQuery } from "../matching";

/** Time zones with hospitals change rarely; the open-now filter reads them at most this often. */
const ZONES_TTL_MS = 60_000;

export interface ElasticsearchOptions {
  url: string;
  /** The alias searches read; indices are `<alias>-<epoch ms>`. */
  alias: string;
  /** Tests pass the mock's connection class. */
  client?: Partial<ClientOptions>;
  now?: () => number;
}

export class ElasticsearchEngine implements SearchEngine {
  readonly kind = "elasticsearch";
  readonly client: Client;
  private readonly alias: string;
  private readonly now: () => number;
  private zones: { at: number; names: string[] } | null = null;

  constructor(options: ElasticsearchOptions) {
    this.client = new Client({ node: options.url, ...options.client });
    this.alias = options.alias;
    this.now = options.now ?? Date.now;
  }

  async open(source: DocSource): Promise<void> {
    await this.guard("put the index template", () =>
      this.client.indices.putIndexTemplate(indexTemplate(this.alias)),
    );
    const exists = await this.guard("check the alias", () =>
      this.client.indices.existsAlias({ name: this.alias }),
    );
    if (!exists) await this.rebuild(source);
  }

  async rebuild(source: DocSource): Promise<void> {
    const index = `${this.alias}-${this.now()}`;
    await this.guard("create the index", () => this.client.indices.create({ index }));
    for await (const batch of source()) await this.bulk(index, batch, []);
    await this.guard("refresh the index", () => this.client.indices.refresh({ index }));
    const previous = await this.aliasedIndices();
    await this.guard("swap the alias", () =>
      this.client.indices.updateAliases({
        actions: [
          ...previous.map((old) => ({ remove: { index: old, alias: this.alias } })),
          { add: { index, alias: this.alias, is_write_index: true } },
        ],
      }),
    );
    if (previous.length > 0)
      await this.guard("delete old indices", () => this.client.indices.delete({ index: previous }));
  }

  upsert(docs: readonly SearchDoc[]): Promise<void> {
    return this.bulk(this.alias, docs, []);
  }

  remove(ids: readonly number[]): Promise<void> {
    return this.bulk(this.alias, [], ids);
  }

  async search(query: SearchQuery, context: SearchContext): Promise<SearchPage> {
    const zones = query.openNow ? await this.timeZones() : [];
    const body = searchBody(query, context, zones);
    if (!body) return { items: [], total: 0 };
    const response = await this.guard("search", () =>
      this.client.search<SearchHit>({ index: this.alias, ...body }),
    );
    return pageOf(response, query);
  }

  async suggest(q: string, limit: number): Promise<{ id: number; name: string }[]> {
    const plan = planQuery(q);
    if (!plan) return [];
    const response = await this.guard("suggest", () =>
      this.client.search<{ id: number; name: string }>({
        index: this.alias,
        size: limit,
        _source: ["id", "name"],
        query: textQuery(plan),
        sort: [{ _score: { order: "desc" } }, { id: { order: "asc" } }],
      }),
    );
    return response.hits.hits.flatMap((h) => (h._source ? [{ id: h._source.id, name: h._source.name }] : []));
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** Indexes `docs` and deletes `ids` in one bulk request; any refused item fails the call (the event is retried). */
  private async bulk(index: string, docs: readonly SearchDoc[], ids: readonly number[]): Promise<void> {
    if (docs.length === 0 && ids.length === 0) return;
    const operations = [
      ...docs.flatMap((doc) => [{ index: { _index: index, _id: String(doc.id) } }, toEsDocument(doc)]),
      ...ids.map((id) => ({ delete: { _index: index, _id: String(id) } })),
    ];
    const response = await this.guard("bulk index", () => this.client.bulk({ operations }));
    if (!response.errors) return;
    // A delete of a document that is not there is what we wanted anyway.
    const failed = response.items.filter((item) => {
      const [op, result] = Object.entries(item)[0] ?? [];
      return result?.error && !(op === "delete" && result.status === 404);
    });
    if (failed.length > 0) {
      throw new SearchUnavailableError(
        `Elasticsearch refused ${failed.length} of ${response.items.length} bulk items`,
      );
    }
  }

  private async aliasedIndices(): Promise<string[]> {
    try {
      return Object.keys(await this.client.indices.getAlias({ name: this.alias }));
    } catch (err) {
      if (err instanceof errors.ResponseError && err.statusCode === 404) return [];
      throw new SearchUnavailableError("Elasticsearch could not list the alias", err);
    }
  }

  private async timeZones(): Promise<string[]> {
    if (this.zones && this.now() - this.zones.at < ZONES_TTL_MS) return this.zones.names;
    const response = await this.guard("list time zones", () =>
      this.client.search({
        index: this.alias,
        size: 0,
        aggs: { zones: { terms: { field: "timeZone", size: 500 } } },
      }),
    );
    const agg = response.aggregations?.zones as { buckets?: { key: string }[] } | undefined;
    this.zones = { at: this.now(), names: (agg?.buckets ?? []).map((b) => b.key) };
    return this.zones.names;
  }

  /** Any client failure becomes a typed, retryable error naming what was being done. */
  private async guard<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof SearchUnavailableError) throw err;
      throw new SearchUnavailableError(`Elasticsearch could not ${what}`, err);
    }
  }
}
