/**
 * `update` on Redis as optimistic compare-and-set, on the store's own (auto-pipelined) client.
 *
 * WATCH/MULTI would need a connection of its own per concurrent update (WATCH belongs to the
 * connection, and the shared client interleaves everyone's commands). Instead: GET the raw value,
 * compute `fn`, and commit with a Lua script that writes only when the key still holds exactly the
 * bytes `fn` saw (or is still absent). A commit therefore always applies `fn` to the value current
 * at commit time, so no concurrent update is lost; a loser re-reads and retries.
 *
 * Updates of one key from one process are chained (one at a time), so retries only happen between
 * instances, not between the handlers of one process hammering the same key.
 */
import type { Redis } from 'ioredis';
import type { Updater } from './store.ts';

// ARGV: expectAbsent ('1'|'0'), expected raw, delete ('1'|'0'), next raw, ttl ms ('' = keep the current expiry).
const COMPARE_AND_SET = `
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if cur ~= false then return 0 end
elseif cur ~= ARGV[2] then
  return 0
end
if ARGV[3] == '1' then
  redis.call('DEL', KEYS[1])
  return 1
end
if ARGV[5] ~= '' then
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
else
  local ttl = redis.call('PTTL', KEYS[1])
  redis.call('SET', KEYS[1], ARGV[4])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
end
return 1`;

interface CasRedis extends Redis {
  botyardCompareAndSet(key: string, absent: string, expected: string, del: string, next: string, ttl: string): Promise<number>;
}

/** Conflicts with other instances before giving up: far above what a handful of instances produce. */
const MAX_ATTEMPTS = 100;

export interface RedisUpdater {
  update<T>(key: string, fn: Updater<T>, ttl: string): Promise<T | undefined>;
}

/** `fullKey` maps a store key to its Redis key; `ttl` is already a PX argument ('' for none). */
export function createRedisUpdater(client: Redis, fullKey: (key: string) => string): RedisUpdater {
  const redis = client as CasRedis;
  if (typeof redis.botyardCompareAndSet !== 'function') client.defineCommand('botyardCompareAndSet', { numberOfKeys: 1, lua: COMPARE_AND_SET });
  const tails = new Map<string, Promise<unknown>>();

  async function attempt<T>(key: string, fn: Updater<T>, ttl: string): Promise<T | undefined> {
    const redisKey = fullKey(key);
    for (let i = 1; ; i++) {
      const raw = await redis.get(redisKey);
      const next = fn(raw === null ? undefined : (JSON.parse(raw) as T));
      const nextRaw = next === undefined ? '' : JSON.stringify(next);
      const done = await redis.botyardCompareAndSet(redisKey, raw === null ? '1' : '0', raw ?? '', next === undefined ? '1' : '0', nextRaw, ttl);
      // Return a parsed copy, as get() would: the caller may not share an object with fn's closure.
      if (done === 1) return next === undefined ? undefined : (JSON.parse(nextRaw) as T);
      if (i >= MAX_ATTEMPTS) throw new Error(`update: '${key}' changed under this update ${MAX_ATTEMPTS} times in a row; too many writers on one key`);
      // Another instance won; back off a little (growing, jittered) so the winners finish.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, i * 2)));
    }
  }

  return {
    update<T>(key: string, fn: Updater<T>, ttl: string) {
      const previous = tails.get(key) ?? Promise.resolve();
      const run = previous.then(() => attempt(key, fn, ttl));
      const tail = run.catch(() => {});
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return run;
    },
  };
}
