/** The benchmarks' own Redis databases (never the default one tests and other work use). */

/** Empties the database at `url` (e.g. redis://127.0.0.1:6379/13). */
export async function flushRedisDb(url: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}
