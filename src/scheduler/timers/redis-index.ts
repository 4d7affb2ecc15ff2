/**
 * Indexes of the Redis timers (sorted sets of job ids scored by due time): all timers, per bot, per
 * bot and user, per bot and conversation. They let `list` read only the timers it asks for instead of
 * every delayed job. An index entry is written BEFORE its job and removed after, so a listing never
 * misses a timer; a stale entry (job finished, cancelled, or never added) is skipped and reaped.
 */
import type { Redis } from 'ioredis';
import { conversationKey } from '../../adapters/adapter.ts';
import type { TimerFilter, TimerRecord } from './types.ts';

// Adds to every index unless the job already exists: 1 when added, 0 when the job was there.
const ADD = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for i = 2, #KEYS do redis.call('ZADD', KEYS[i], ARGV[1], ARGV[2]) end
return 1`;

interface IndexedRedis extends Redis {
  botyardTimerIndexAdd(...args: Array<string | number>): Promise<number>;
}

export function timerIndex(client: Redis, ns: string) {
  const redis = client as IndexedRedis;
  if (typeof redis.botyardTimerIndexAdd !== 'function') redis.defineCommand('botyardTimerIndexAdd', { lua: ADD });

  const all = `${ns}:idx`;
  const ofBot = (bot: string) => `${ns}:idx:b:${bot}`;
  const ofUser = (bot: string, user: string) => `${ns}:idx:b:${bot}:u:${user}`;
  const ofConversation = (bot: string, conversation: string) => `${ns}:idx:b:${bot}:c:${conversation}`;
  const keysOf = (t: TimerRecord) => [
    all,
    ofBot(t.bot),
    ...(t.user ? [ofUser(t.bot, t.user.id)] : []),
    ...(t.conversation ? [ofConversation(t.bot, conversationKey(t.conversation))] : []),
  ];

  return {
    /** Indexes `t` unless its job (at `jobKey`) exists already; true when indexed as new. */
    async add(t: TimerRecord, jobKey: string, jobId: string): Promise<boolean> {
      const keys = [jobKey, ...keysOf(t)];
      return (await redis.botyardTimerIndexAdd(keys.length, ...keys, t.dueAt, jobId)) === 1;
    },
    async remove(t: TimerRecord, jobId: string): Promise<void> {
      const multi = redis.multi();
      for (const key of keysOf(t)) multi.zrem(key, jobId);
      await multi.exec();
    },
    /** Removes `jobId` from the index a listing read it from (its job is gone and its data with it). */
    async reap(key: string, jobId: string): Promise<void> {
      await redis.zrem(key, jobId);
    },
    /** The narrowest index for a listing, and the job ids in it with their due times, earliest first. */
    async ids(bot: string | undefined, filter: TimerFilter = {}): Promise<{ key: string; ids: Array<{ id: string; dueAt: number }> }> {
      const key =
        bot === undefined ? all : filter.user !== undefined ? ofUser(bot, filter.user) : filter.conversation !== undefined ? ofConversation(bot, filter.conversation) : ofBot(bot);
      const flat = await redis.zrange(key, 0, -1, 'WITHSCORES');
      const ids: Array<{ id: string; dueAt: number }> = [];
      for (let i = 0; i < flat.length; i += 2) ids.push({ id: flat[i]!, dueAt: Number(flat[i + 1]) });
      return { key, ids };
    },
  };
}
