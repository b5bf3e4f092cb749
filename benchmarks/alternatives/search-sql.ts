/**
 * The SQL designs the search benchmark measures the embedded engine against:
 * `LIKE '%q%'` (what `hospitals.list` does) and a FULLTEXT index over n-grams.
 *
 * MySQL's FULLTEXT has an `ngram` parser; MariaDB (10.11 here) has none
 * ("Function 'ngram' is not defined"). So the n-grams are written at load
 * time to a column — each bigram as a 3-character token `g<bigram>` and each
 * character as `uu<char>`, because InnoDB ignores tokens under
 * `innodb_ft_min_token_size` (3) — under an ordinary FULLTEXT index. A query
 * asks for all of its bigrams (`+g한빛 +g빛어`) in BOOLEAN MODE, which is what
 * the ngram parser does for a phrase.
 */
import { Op, QueryTypes } from "sequelize";
import type { Sequelize, WhereOptions } from "sequelize";
import type { HospitalRow, Models } from "../../platform/db/models";
import { compact } from "../../services/search/korean";

const KEEP = /[^\p{L}\p{N}]/gu;

/** The n-gram tokens of a name or query, as the FULLTEXT column holds them. */
export function gramTokens(text: string, forQuery = false): string[] {
  const chars = [...compact(text).replace(KEEP, "")];
  if (chars.length === 1) return [`uu${chars[0]}`];
  const bigrams = chars.slice(0, -1).map((c, i) => `g${c}${chars[i + 1]}`);
  return forQuery ? [...new Set(bigrams)] : [...new Set([...bigrams, ...chars.map((c) => `uu${c}`)])];
}

/** Adds and fills the n-gram column, then builds its FULLTEXT index; answers how long each took. */
export async function buildFulltext(sequelize: Sequelize): Promise<{ fillMs: number; indexMs: number }> {
  const started = Date.now();
  await sequelize.query("ALTER TABLE hospitals ADD COLUMN bench_grams TEXT NULL");
  const rows = await sequelize.query<{ id: number; name: string }>("SELECT id, name FROM hospitals", {
    type: QueryTypes.SELECT,
  });
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000);
    const cases = chunk.map(() => "WHEN ? THEN ?").join(" ");
    await sequelize.query(
      `UPDATE hospitals SET bench_grams = CASE id ${cases} END WHERE id IN (${chunk.map(() => "?").join(",")})`,
      {
        replacements: [
          ...chunk.flatMap((r) => [r.id, gramTokens(r.name).join(" ")]),
          ...chunk.map((r) => r.id),
        ],
      },
    );
  }
  const filled = Date.now();
  await sequelize.query("ALTER TABLE hospitals ADD FULLTEXT INDEX bench_ft_grams (bench_grams)");
  return { fillMs: filled - started, indexMs: Date.now() - filled };
}

export async function dropFulltext(sequelize: Sequelize): Promise<void> {
  await sequelize.query("ALTER TABLE hospitals DROP INDEX bench_ft_grams, DROP COLUMN bench_grams");
}

/** `GET /hospitals` before the search service: `findAndCountAll` with `name LIKE '%q%'`. */
export async function likeSearch(models: Models, q: string): Promise<number> {
  const text = q.replace(/[\\%_]/g, "");
  const { count } = await models.Hospital.findAndCountAll({
    where: { name: { [Op.like]: `%${text}%` } } as WhereOptions<HospitalRow>,
    order: [["id", "ASC"]],
    limit: 20,
  });
  return count;
}

/** The same page through the FULLTEXT n-gram index. */
export async function fulltextSearch(models: Models, sequelize: Sequelize, q: string): Promise<number> {
  const tokens = gramTokens(q, true);
  if (tokens.length === 0) return 0;
  const against = tokens.map((t) => `+${t}`).join(" ");
  const match = sequelize.literal(
    `MATCH (bench_grams) AGAINST (${sequelize.escape(against)} IN BOOLEAN MODE)`,
  );
  const { count } = await models.Hospital.findAndCountAll({
    where: match as unknown as WhereOptions<HospitalRow>,
    order: [["id", "ASC"]],
    limit: 20,
  });
  return count;
}
