/**
 * A Redis connection for a store's commands: a command fails after a couple
 * of reconnect attempts instead of waiting forever, and the failure surfaces
 * on the command (the store decides what it means) rather than as an
 * unhandled 'error' event, which would crash the process.
 */
import Redis from "ioredis";

export function commandClient(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  redis.on("error", () => undefined);
  return redis;
}

/** Closes the connection; one already gone is not an error on the way out. */
export async function closeClient(redis: Redis): Promise<void> {
  await redis.quit().catch(() => undefined);
}
