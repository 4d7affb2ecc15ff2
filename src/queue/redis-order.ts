/**
 * Per-conversation order for the Redis queue: one Redis list per conversation holding the BullMQ job
 * ids of its pending events in arrival order. Only the job at the head of its list may run its handler;
 * it pops itself when done (or dead-lettered) and wakes the next. See redis.ts for the reasoning.
 */
import type { Redis } from 'ioredis';

// Appends the job id unless its BullMQ job already exists (a retained duplicate: nothing to do) or it
// is already listed (a concurrent duplicate). 1 = the caller should add the job.
const APPEND = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
if redis.call('LPOS', KEYS[1], ARGV[1]) then return 1 end
redis.call('RPUSH', KEYS[1], ARGV[1])
return 1`;

// The current head; a job missing from its list (its entry was reaped) is put back at the tail.
const HEAD = `
if not redis.call('LPOS', KEYS[1], ARGV[1]) then redis.call('RPUSH', KEYS[1], ARGV[1]) end
return redis.call('LINDEX', KEYS[1], 0)`;

// Removes the job id when it is the head; answers the new head (false when none).
const POP = `
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then redis.call('LPOP', KEYS[1]) end
return redis.call('LINDEX', KEYS[1], 0)`;

interface OrderCommands {
  botyardOrderAppend(list: string, jobKey: string, jobId: string): Promise<number>;
  botyardOrderHead(list: string, jobId: string): Promise<string | null>;
  botyardOrderPop(list: string, jobId: string): Promise<string | null>;
}

export interface ConversationOrder {
  /** Lists `jobId` for its conversation; false when the job already exists (a duplicate enqueue). */
  append(list: string, jobKey: string, jobId: string): Promise<boolean>;
  /** The job id now at the head of `list`. */
  head(list: string, jobId: string): Promise<string | null>;
  /** Removes `jobId` if it is the head; the new head, if any. */
  pop(list: string, jobId: string): Promise<string | null>;
}

export function conversationOrder(client: Redis): ConversationOrder {
  const redis = client as Redis & OrderCommands;
  if (typeof redis.botyardOrderAppend !== 'function') {
    client.defineCommand('botyardOrderAppend', { numberOfKeys: 2, lua: APPEND });
    client.defineCommand('botyardOrderHead', { numberOfKeys: 1, lua: HEAD });
    client.defineCommand('botyardOrderPop', { numberOfKeys: 1, lua: POP });
  }
  return {
    append: async (list, jobKey, jobId) => (await redis.botyardOrderAppend(list, jobKey, jobId)) === 1,
    head: (list, jobId) => redis.botyardOrderHead(list, jobId),
    pop: (list, jobId) => redis.botyardOrderPop(list, jobId),
  };
}
