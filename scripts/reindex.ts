/**
 * npm run reindex — rebuilds the Elasticsearch hospital index from DB_URL's
 * hospitals: a new index `<alias>-<epoch ms>`, bulk-loaded, then the alias
 * swapped to it in one request and the old index dropped. Searches keep
 * reading the old index until the swap. Needs ELASTICSEARCH_URL; the embedded
 * index has nothing to rebuild offline (each search node builds its own at start).
 */
import { loadConfig } from "../platform/config";
import { openDatabase } from "../platform/db/database";
import { defineModels } from "../platform/db/models";
import { ElasticsearchEngine } from "../services/search/engines";
import { tableSource } from "../services/search/hospital-docs";

async function main(): Promise<void> {
  const config = loadConfig();
  const url = config.search.elasticsearchUrl;
  if (!url) {
    console.error(
      "ELASTICSEARCH_URL is not set: the embedded index is rebuilt by each search node when it starts.",
    );
    process.exitCode = 2;
    return;
  }
  const sequelize = openDatabase(config.dbUrl, { poolMax: 2 });
  const engine = new ElasticsearchEngine({ url, alias: config.search.elasticsearchIndex });
  const started = Date.now();
  let count = 0;
  const source = tableSource({ models: defineModels(sequelize) });
  try {
    await engine.rebuild(async function* () {
      for await (const batch of source()) {
        count += batch.length;
        yield batch;
      }
    });
    console.log(
      `Reindexed ${count} hospitals into ${config.search.elasticsearchIndex} in ${Date.now() - started} ms`,
    );
  } finally {
    await engine.close();
    await sequelize.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
