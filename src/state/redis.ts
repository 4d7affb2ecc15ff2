/**
 * The Redis state store: shared by every instance on one Redis, so dedupe, cursors, leases and bot
 * state are cluster-wide. Passes the same contract suite as the memory store.
 *
 * - Keys are `${prefix}:${key}`; values are JSON strings, so `get` returns what `set` stored.
 * - setIfNotExists is one `SET NX PX`; increment and the lease operations are Lua scripts, so each is
 *   a single atomic round trip (compare-and-set on the owner for leases). `update` is an optimistic
 *   compare-and-set on the value (redis-update.ts).
 * - The client auto-pipelines: concurrent calls (e.g. dedupe claims from many webhook requests in
 *   one tick) share one write, which is what keeps Redis dedupe near the in-memory floor.
 * - ping() never throws and never hangs on a down Redis (ioredis would queue the command while
 *   reconnecting): it answers false after `pingTimeoutMs`.
 */
import { Redis } from 'ioredis';
import { createRedisUpdater } from './redis-update.ts';
import type { SetOptions, StateStore } from './store.ts';

export interface RedisStoreOptions {
  /** Redis URL (`redis://host:port/db`); ignored when `client` is given. Default redis://127.0.0.1:6379. */
  url?: string;
  /** An existing client to use. The store never quits a client it was given. */
  client?: Redis;
  /** Namespace for every key. Default 'botyard'. */
  prefix?: string;
  /** How long ping() waits for PONG before answering false. Default 1000. */
  pingTimeoutMs?: number;
}

// Creates at `by`; the TTL only applies when this call created the key (as the contract says).
const INCREMENT = `
local existed = redis.call('EXISTS', KEYS[1])
local v
if math.floor(tonumber(ARGV[1])) == tonumber(ARGV[1]) then
  v = redis.call('INCRBY', KEYS[1], ARGV[1])
else
  v = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
end
if existed == 0 and ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return tostring(v)`;

// Free or already ours: take it (or extend it) for ttl.
const ACQUIRE = `
local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

interface ScriptedRedis extends Redis {
  botyardIncrement(key: string, by: string, ttl: string): Promise<string>;
  botyardAcquire(key: string, owner: string, ttl: string): Promise<number>;
  botyardRenew(key: string, owner: string, ttl: string): Promise<number>;
  botyardRelease(key: string, owner: string): Promise<number>;
}

function defineScripts(client: Redis): ScriptedRedis {
  const c = client as ScriptedRedis;
  // defineCommand is idempotent per client; a shared client may already have them.
  if (typeof c.botyardIncrement !== 'function') {
    client.defineCommand('botyardIncrement', { numberOfKeys: 1, lua: INCREMENT });
    client.defineCommand('botyardAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    client.defineCommand('botyardRenew', { numberOfKeys: 1, lua: RENEW });
    client.defineCommand('botyardRelease', { numberOfKeys: 1, lua: RELEASE });
  }
  return c;
}

const ttlArg = (ttlMs: number | undefined) => (ttlMs === undefined ? '' : String(Math.max(1, Math.ceil(ttlMs))));

export function createRedisStore(options: RedisStoreOptions = {}): StateStore {
  const owned = !options.client;
  const client =
    options.client ??
    new Redis(options.url ?? 'redis://127.0.0.1:6379', { enableAutoPipelining: true, maxRetriesPerRequest: 3 });
  // Without a listener ioredis prints every reconnect failure as "Unhandled error event";
  // callers see failures as rejected calls and ping() === false instead.
  if (owned) client.on('error', () => {});
  const redis = defineScripts(client);
  const prefix = options.prefix ?? 'botyard';
  const pingTimeoutMs = options.pingTimeoutMs ?? 1000;
  const k = (key: string) => `${prefix}:${key}`;
  const json = (value: unknown) => JSON.stringify(value === undefined ? null : value);
  const updater = createRedisUpdater(redis, k);

  return {
    async get<T>(key: string) {
      const raw = await redis.get(k(key));
      return raw === null ? undefined : (JSON.parse(raw) as T);
    },
    async set(key: string, value: unknown, opts?: SetOptions) {
      if (opts?.ttlMs === undefined) await redis.set(k(key), json(value));
      else await redis.set(k(key), json(value), 'PX', ttlArg(opts.ttlMs));
    },
    async delete(key) {
      return (await redis.del(k(key))) > 0;
    },
    async setIfNotExists(key, value, opts) {
      const res =
        opts?.ttlMs === undefined
          ? await redis.set(k(key), json(value), 'NX')
          : await redis.set(k(key), json(value), 'PX', ttlArg(opts.ttlMs), 'NX');
      return res === 'OK';
    },
    async increment(key, by = 1, opts) {
      try {
        return Number(await redis.botyardIncrement(k(key), String(by), ttlArg(opts?.ttlMs)));
      } catch (err) {
        if (err instanceof Error && /not an integer|not a valid float/i.test(err.message)) {
          throw new TypeError(`increment: '${key}' holds a non-number`, { cause: err });
        }
        throw err;
      }
    },
    update(key, fn, opts) {
      return updater.update(key, fn, ttlArg(opts?.ttlMs));
    },
    async acquireLease(key, owner, ttlMs) {
      return (await redis.botyardAcquire(k(key), json(owner), ttlArg(ttlMs))) === 1;
    },
    async renewLease(key, owner, ttlMs) {
      return (await redis.botyardRenew(k(key), json(owner), ttlArg(ttlMs))) === 1;
    },
    async releaseLease(key, owner) {
      return (await redis.botyardRelease(k(key), json(owner))) === 1;
    },
    async ping() {
      if (redis.status === 'end') return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, pingTimeoutMs, false)));
      try {
        return await Promise.race([redis.ping().then((r) => r === 'PONG', () => false), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (!owned || redis.status === 'end') return;
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}
