/** Clean-up of what a benchmark left in Redis. */
import type Redis from "ioredis";

/** Deletes every key matching one of the glob `patterns` (SCAN, so Redis is never blocked). */
export async function deleteKeys(redis: Redis, patterns: string[]): Promise<number> {
  let deleted = 0;
  for (const match of patterns) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", match, "COUNT", 1000);
      if (keys.length > 0) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  }
  return deleted;
}
