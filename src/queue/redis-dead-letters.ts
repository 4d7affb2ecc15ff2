/**
 * Dead letters on Redis: finding them on a Redis shared by several
 * deployments: which hashes hold some, and under which prefix, so `botyard dead-letters` can say where
 * it looked and where else there are some instead of silently answering 0 for the wrong prefix.
 */
import { Redis } from 'ioredis';

export interface DeadLetterHash {
  key: string;
  /** The `redisPrefix` that names it (for the layout before prefixes covered every key: the old queue name). */
  prefix: string;
  count: number;
  /** Written by a botyard before every key lived under `redisPrefix` (`botyard:queue:<prefix>-events:dead`). */
  legacy: boolean;
}

/** The dead-letter hash of the queue `name` under `prefix`. */
export const deadLetterKey = (prefix: string, name = 'events') => `${prefix}:queue:${name}:dead`;

const LEGACY = /^botyard:queue:(.+)-events:dead$/;
const CURRENT = /^(.+):queue:events:dead$/;

/** Every non-empty dead-letter hash on `redis` (SCAN, never KEYS), most letters first. */
export async function findDeadLetterHashes(redis: Redis): Promise<DeadLetterHash[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', '*:queue:*:dead', 'COUNT', 1000);
    cursor = next;
    for (const key of found) keys.add(key);
  } while (cursor !== '0');
  const hashes: DeadLetterHash[] = [];
  for (const key of keys) {
    const legacy = LEGACY.exec(key);
    const current = legacy ? null : CURRENT.exec(key);
    if (!legacy && !current) continue;
    const count = await redis.hlen(key);
    if (count > 0) hashes.push({ key, prefix: (legacy ?? current)![1]!, count, legacy: !!legacy });
  }
  return hashes.sort((a, b) => b.count - a.count);
}

/** `redis://user:secret@host:6379/0` → `redis://host:6379/0`: safe to print. */
export function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

/** The lines `botyard dead-letters` prints on stderr: where it looked, and where else on this Redis there are dead letters. */
export async function describeRedisDeadLetters(url: string, prefix: string, source: string, found: number): Promise<string[]> {
  const lines = [`looked in ${deadLetterKey(prefix)} on ${withoutCredentials(url)} (prefix '${prefix}' from ${source})`];
  if (found > 0) return lines;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for (const h of await findDeadLetterHashes(redis)) {
      const how = h.legacy ? `written before redisPrefix covered the queue; replay with an older botyard or move the hash to ${deadLetterKey(h.prefix)}` : `run with --prefix ${h.prefix} or that deployment's --config`;
      lines.push(`  ${h.count} dead letter(s) under another prefix: ${h.key} (${how})`);
    }
  } finally {
    redis.disconnect();
  }
  return lines;
}
