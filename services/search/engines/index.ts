/**
 * The search engines by name, and the one place that picks one: Elasticsearch
 * when `ELASTICSEARCH_URL` is set, the embedded index otherwise.
 */
import type { AppConfig } from "../../../platform/config";
import type { SearchEngine } from "./engine";
import { EmbeddedEngine } from "./embedded";
import { ElasticsearchEngine } from "./elasticsearch";

export function resolve(config: Pick<AppConfig, "search">): SearchEngine {
  const { elasticsearchUrl, elasticsearchIndex } = config.search;
  return elasticsearchUrl
    ? new ElasticsearchEngine({ url: elasticsearchUrl, alias: elasticsearchIndex })
    : new EmbeddedEngine();
}

export { EmbeddedEngine } from "./embedded";
export { ElasticsearchEngine } from "./elasticsearch";
export type { DocSource, SearchContext, SearchEngine, SearchHit, SearchPage, SearchQuery } from "./engine";
export { SearchUnavailableError } from "./engine";
