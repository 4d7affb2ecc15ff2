/**
 * Before botyard trusts a Redis with acknowledged events, it asks that Redis whether it would keep
 * them: `CONFIG GET appendonly / save / maxmemory-policy`, or INFO where a managed Redis disables
 * CONFIG. A Redis restarted without persistence drops every queued event and dedupe key (40 of 60
 * acked events lost and 50 of 50 old handlers re-run, measured); an evicting policy drops them under
 * memory pressure. Either refuses the start unless `redis.allowVolatile: true`, with the exact setting.
 */
import type { Redis } from 'ioredis';
import { ConfigError } from '../errors.ts';

export interface RedisPersistence {
  /** Where the answers came from: CONFIG GET, or INFO when CONFIG is disabled (then `save` is unknown). */
  source: 'config' | 'info';
  appendonly: boolean;
  appendfsync?: string;
  /** The RDB save rules (`3600 1 300 100`), '' for none; undefined when unknown. */
  save?: string;
  maxmemoryPolicy: string;
}

export interface DurabilityVerdict {
  /** Would lose acknowledged events silently: refuse unless allowVolatile. */
  refuse: string[];
  /** Can lose a bounded window on a crash: say so, start anyway. */
  warn: string[];
}

const pair = (reply: unknown): string | undefined => (Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined);
const infoField = (info: string, field: string) => new RegExp(`^${field}:(.*)$`, 'm').exec(info)?.[1]?.trim();

export async function readRedisPersistence(client: Redis): Promise<RedisPersistence> {
  try {
    const [appendonly, appendfsync, save, policy] = await Promise.all(
      ['appendonly', 'appendfsync', 'save', 'maxmemory-policy'].map((k) => client.call('CONFIG', 'GET', k)),
    );
    return { source: 'config', appendonly: pair(appendonly) === 'yes', appendfsync: pair(appendfsync), save: pair(save) ?? '', maxmemoryPolicy: pair(policy) ?? 'noeviction' };
  } catch (error) {
    // Managed Redis (Azure Cache, ElastiCache, Memorystore) often renames or blocks CONFIG.
    if (!/unknown command|NOPERM|no permissions|disabled|not allowed/i.test((error as Error).message)) throw error;
    const [persistence, memory] = await Promise.all([client.info('persistence'), client.info('memory')]);
    return { source: 'info', appendonly: infoField(persistence, 'aof_enabled') === '1', maxmemoryPolicy: infoField(memory, 'maxmemory_policy') ?? 'unknown' };
  }
}

export function judgeDurability(p: RedisPersistence, where: string): DurabilityVerdict {
  const refuse: string[] = [];
  const warn: string[] = [];
  const allowVolatile = 'or, for a throwaway setup, redis.allowVolatile: true in bot.config.ts (BOTYARD_REDIS_ALLOW_VOLATILE=1)';
  if (!p.appendonly && p.save === '') {
    refuse.push(
      `Redis ${where} keeps nothing on disk (appendonly no, save ""): a restart loses every queued event and dedupe key. Fix: CONFIG SET appendonly yes ` +
        `and put "appendonly yes" and "appendfsync everysec" in redis.conf (or --appendonly yes), ${allowVolatile}`,
    );
  } else if (!p.appendonly && p.save === undefined) {
    refuse.push(
      `Redis ${where} has AOF off and its snapshot rules cannot be read (CONFIG is disabled), so persistence cannot be confirmed. Fix: turn on AOF persistence ` +
        `with your provider (appendonly yes), ${allowVolatile} if you know it persists otherwise`,
    );
  } else if (!p.appendonly) {
    warn.push(`Redis ${where} persists by RDB snapshots only (save "${p.save}"): a crash loses what was acknowledged since the last snapshot. appendonly yes with appendfsync everysec bounds that to about 1 s`);
  } else if (p.appendfsync === 'no') {
    warn.push(`Redis ${where} has appendfsync no: the OS decides when the AOF reaches the disk (often ~30 s of writes at risk). appendfsync everysec bounds it to about 1 s`);
  }
  if (p.maxmemoryPolicy !== 'noeviction') {
    refuse.push(
      `Redis ${where} has maxmemory-policy ${p.maxmemoryPolicy}: under memory pressure it deletes keys, queued events and dedupe keys included, without an error. ` +
        `Fix: CONFIG SET maxmemory-policy noeviction (and "maxmemory-policy noeviction" in redis.conf), ${allowVolatile}`,
    );
  }
  return { refuse, warn };
}

/** `redis://user:secret@host:6379/0` → `redis://host:6379/0`: where, never with what. */
export function redisWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(the configured Redis)';
  }
}

/** `redis.allowVolatile: true` in bot.config.ts, or BOTYARD_REDIS_ALLOW_VOLATILE=1 in the environment. */
export function allowsVolatile(config: { redis: { allowVolatile: boolean }; env: { BOTYARD_REDIS_ALLOW_VOLATILE?: string | undefined } }): boolean {
  return config.redis.allowVolatile || ['1', 'true'].includes(config.env.BOTYARD_REDIS_ALLOW_VOLATILE ?? '');
}

/**
 * Connects once (no reconnect loop), reads the settings, and throws ConfigError when they could lose
 * data silently and `allowVolatile` is off. Returns the warnings for the caller to log.
 */
export async function checkRedisDurability(url: string, options: { allowVolatile: boolean; connectTimeoutMs?: number }): Promise<DurabilityVerdict> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: options.connectTimeoutMs ?? 5000, enableOfflineQueue: false });
  // The cause (WRONGPASS, ECONNREFUSED) arrives as an 'error' event; connect() itself only says the connection closed.
  let cause: Error | undefined;
  client.on('error', (error: Error) => void (cause ??= error));
  const where = redisWhere(url);
  try {
    try {
      await client.connect();
    } catch (error) {
      const reason = (cause ?? (error as Error)).message;
      throw new ConfigError([`REDIS_URL: cannot connect to ${where} (${reason}). Fix: check the host, port, password and TLS (rediss://) in REDIS_URL`]);
    }
    const verdict = judgeDurability(await readRedisPersistence(client), where);
    if (verdict.refuse.length && !options.allowVolatile) throw new ConfigError(verdict.refuse);
    return options.allowVolatile ? { refuse: [], warn: [...verdict.refuse, ...verdict.warn] } : verdict;
  } finally {
    client.disconnect();
  }
}
