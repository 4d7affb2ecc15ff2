/**
 * Per-conversation order for the Redis queue: one Redis list per conversation holding the BullMQ job
 * ids of its pending events in arrival order. Only the job at the head of its list may run its handler;
 * it pops itself when done (or dead-lettered) and wakes the next. See redis.ts for the reasoning.
 */
import type { Redis } from 'ioredis';

// Appends the job id unless its BullMQ job already exists (a retained duplicate: nothing to do) or it
// is already listed (a concurrent duplicate). 0 = nothing to add; 1 = add it, it is the head; 2 = add it,
// it waits behind others.
const APPEND = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
local at = redis.call('LPOS', KEYS[1], ARGV[1])
if at then
  if at == 0 then return 1 end
  return 2
end
if redis.call('RPUSH', KEYS[1], ARGV[1]) == 1 then return 1 end
return 2`;

// Ingest's one-step accept: claims the dedupe mark (a state-store key, so the store sees it) for a short
// while and lists the job id. 0 = duplicate; 1 = listed at the head; 2 = listed behind others. The mark
// only becomes long-lived once the job is stored (redis-accept.ts), so a failure in between never
// poisons the key. No LPOS: the mark already makes the id unique, and LPOS is O(backlog).
const ACCEPT = `
if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 0 end
if redis.call('RPUSH', KEYS[2], ARGV[3]) == 1 then return 1 end
return 2`;

// The current head; a job missing from its list (its entry was reaped) is put back at the tail. A job
// that is the head (almost every call: jobs behind are parked until promoted) is answered without LPOS,
// which scans the whole backlog of a busy conversation.
const HEAD = `
local head = redis.call('LINDEX', KEYS[1], 0)
if head == ARGV[1] then return head end
if not redis.call('LPOS', KEYS[1], ARGV[1]) then redis.call('RPUSH', KEYS[1], ARGV[1]) end
return redis.call('LINDEX', KEYS[1], 0)`;

// Removes the job id when it is the head; answers the new head (false when none).
const POP = `
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then redis.call('LPOP', KEYS[1]) end
return redis.call('LINDEX', KEYS[1], 0)`;

/** Where a newly listed job stands in its conversation. */
export type Listed = 'duplicate' | 'head' | 'behind';
const LISTED: Listed[] = ['duplicate', 'head', 'behind'];

interface OrderCommands {
  botyardOrderAppend(list: string, jobKey: string, jobId: string): Promise<number>;
  botyardOrderHead(list: string, jobId: string): Promise<string | null>;
  botyardOrderPop(list: string, jobId: string): Promise<string | null>;
}

/** The accept script, for use inside a pipeline: `pipeline.botyardAccept(mark, list, claim, ttl, jobId)`. */
export interface AcceptCommand {
  botyardAccept(mark: string, list: string, claimValue: string, claimTtlMs: string, jobId: string): unknown;
}

export interface ConversationOrder {
  /** Lists `jobId` for its conversation; 'duplicate' when the job already exists. */
  append(list: string, jobKey: string, jobId: string): Promise<Listed>;
  /** The job id now at the head of `list`. */
  head(list: string, jobId: string): Promise<string | null>;
  /** Removes `jobId` if it is the head; the new head, if any. */
  pop(list: string, jobId: string): Promise<string | null>;
}

/** Reads the accept script's answer. */
export const listedFrom = (answer: unknown): Listed => LISTED[Number(answer)] ?? 'duplicate';

export function conversationOrder(client: Redis): ConversationOrder {
  const redis = client as Redis & OrderCommands;
  if (typeof redis.botyardOrderAppend !== 'function') {
    client.defineCommand('botyardOrderAppend', { numberOfKeys: 2, lua: APPEND });
    client.defineCommand('botyardOrderHead', { numberOfKeys: 1, lua: HEAD });
    client.defineCommand('botyardOrderPop', { numberOfKeys: 1, lua: POP });
    client.defineCommand('botyardAccept', { numberOfKeys: 2, lua: ACCEPT });
  }
  return {
    append: async (list, jobKey, jobId) => listedFrom(await redis.botyardOrderAppend(list, jobKey, jobId)),
    head: (list, jobId) => redis.botyardOrderHead(list, jobId),
    pop: (list, jobId) => redis.botyardOrderPop(list, jobId),
  };
}
