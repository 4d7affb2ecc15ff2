/**
 * The Redis queue's scripts (see redis.ts for the design). Every one of them takes a whole batch, so a
 * commit of many accepts, a claim of many conversations or an ack of many events is one round trip and
 * one script run. Keys, under `ns` = `<prefix>:queue:<name>`:
 *   ns:c:<conversation>  list of the entry ids of the conversation's pending events, in arrival order
 *   ns:data              hash entry id → the event (JSON)
 *   ns:ready             list of conversations that have events and no owner (each at most once)
 *   ns:claims            zset conversation → lease deadline (ms, Redis clock); ns:owner conversation → token
 *   ns:tries, ns:stalls  hash entry id → failed tries / times its owner died while it was at the head
 *   ns:depth             events accepted and not finished
 *   ns:wake              tokens idle workers block on: pushed per conversation readied, cleared when ready empties
 *   ns:dead              hash event id → dead letter (JSON)
 * A conversation with pending events is in exactly one of ready or claims; one with none in neither. So
 * one owner at a time works a conversation, from its head, which is what keeps its order.
 */
import type { Redis } from 'ioredis';
import { respScript } from './redis-resp.ts';

// Shared by the scripts that hand out events: the conversation's first `chunk` entries with their data
// (unless WITH_DATA is false: the worker has them in memory, or fetches them itself), failed tries and
// (for the head only: only the head can have been running) stalls. Tries and stalls are looked up only
// when either hash exists (asked once per script): nothing fails most of the time, and the two lookups
// were two of the dozen calls a script makes per event when every event claims its conversation.
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;
const FETCH = `local counted = nil
local function fetch(ns, conv, chunk, out)
  local ids = redis.call('LRANGE', ns .. ':c:' .. conv, 0, chunk - 1)
  out[#out + 1] = #ids
  if #ids == 0 then return 0 end
  local data = ids
  if WITH_DATA then data = redis.call('HMGET', ns .. ':data', unpack(ids)) end
  if counted == nil then counted = redis.call('EXISTS', ns .. ':tries', ns .. ':stalls') > 0 end
  local tries, stalls = {}, false
  if counted then
    tries = redis.call('HMGET', ns .. ':tries', unpack(ids))
    stalls = redis.call('HGET', ns .. ':stalls', ids[1])
  end
  for i = 1, #ids do
    out[#out + 1] = ids[i]
    if WITH_DATA then out[#out + 1] = data[i] else out[#out + 1] = '' end
    out[#out + 1] = tries[i] or '0'
    if i == 1 then out[#out + 1] = stalls or '0' else out[#out + 1] = '0' end
  end
  return #ids
end
local TOKENS = {'1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1'}
local function wake(ns, n)
  redis.call('LPUSH', ns .. ':wake', unpack(TOKENS, 1, math.min(n, 16)))
  redis.call('LTRIM', ns .. ':wake', 0, 63)
end
`;

// ARGV: ns, token ('' = this instance works nothing), lease ms, free slots, chunk, then per event: mark
// key, mark ttl ms, conversation, entry id. The events' JSON is not among them: the same transaction
// wrote it into ns:data just before (redis.ts), since Redis's Lua hashes every byte of every argument
// and an event's ~2 KB, hashed, was a quarter of what the accept cost Redis.
// Claims the dedupe mark (NX) and, only when it was free, lists the event; a duplicate's data is taken
// back (each acceptance has an entry of its own, so that field is the duplicate's alone). Atomic with
// the HSET, so an event is never listed without its mark and data nor marked without being listed. Answers 1
// (accepted) or 0 (duplicate) per event. A conversation that had no pending events is claimed at once
// for `token` while it has free slots (its worker holds the events in memory: no ready list, wake-up or
// claim call on the way), else readied for any instance; the claimed ones follow, answered as CLAIM does.
const ACCEPT = `${NOW}local WITH_DATA = false
${FETCH}
local ns, token, lease, free, chunk = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local out, added, readied, claimed = {}, 0, 0, {}
for i = 6, #ARGV, 4 do
  if redis.call('SET', ARGV[i], '"queued"', 'PX', ARGV[i + 1], 'NX') then
    if redis.call('RPUSH', ns .. ':c:' .. ARGV[i + 2], ARGV[i + 3]) == 1 then
      if free > 0 and token ~= '' then
        redis.call('ZADD', ns .. ':claims', now + lease, ARGV[i + 2])
        redis.call('HSET', ns .. ':owner', ARGV[i + 2], token)
        claimed[#claimed + 1] = ARGV[i + 2]
        free = free - 1
      else
        redis.call('RPUSH', ns .. ':ready', ARGV[i + 2])
        readied = readied + 1
      end
    end
    added = added + 1
    out[#out + 1] = 1
  else
    redis.call('HDEL', ns .. ':data', ARGV[i + 3])
    out[#out + 1] = 0
  end
end
if added > 0 then redis.call('INCRBY', ns .. ':depth', added) end
if readied > 0 then wake(ns, readied) end
for _, conv in ipairs(claimed) do
  out[#out + 1] = conv
  fetch(ns, conv, chunk, out)
end
return out`;

// Takes up to n ready conversations for `token`, appending per conversation: name, n, n × item.
// Emptying ready clears the wake tokens: each says "ready has work", so none is true any more, and an
// idle worker that popped one would make a claim for nothing (and another BLPOP) per stale token.
const TAKE = `local function take(ns, token, lease, chunk, n, out)
  local emptied = false
  for k = 1, n do
    local conv = redis.call('LPOP', ns .. ':ready')
    if not conv then
      emptied = true
      break
    end
    if redis.call('HEXISTS', ns .. ':owner', conv) == 0 then
      local at = #out + 1
      out[at] = conv
      if fetch(ns, conv, chunk, out) > 0 then
        redis.call('ZADD', ns .. ':claims', now + lease, conv)
        redis.call('HSET', ns .. ':owner', conv, token)
      else
        out[at + 1] = nil
        out[at] = nil
      end
    end
  end
  if emptied or redis.call('LLEN', ns .. ':ready') == 0 then redis.call('DEL', ns .. ':wake') end
end
`;

// ARGV: ns, token, lease ms, conversations wanted, chunk, with data ('1' or '0'). Takes ready
// conversations; answers, per conversation: name, n, then n × (entry id, JSON, tries, stalls).
const CLAIM = `${NOW}local WITH_DATA = ARGV[6] == '1'
${FETCH}${TAKE}
local out = {}
take(ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[5]), tonumber(ARGV[4]), out)
return out`;

// ARGV: ns, token, lease ms, chunk, with data ('1' or '0'), free slots, then per finished event:
// conversation, entry id, flags, and when flags has 'd' its dead-letter field and JSON. Flags: 'w' the
// worker wants more (it holds no more events of it), 'c' clean (no failed try or stall was recorded for
// it, so there are none to delete), 'd' a dead letter follows. Pops the event if it is still the head of
// a conversation this token owns, writes its dead letter, and when the worker wants more answers the
// next chunk, or releases the conversation: when it is empty, or (fairness) when others wait in ready.
// Per event: status (0 lost: another owner took it; 1 ok; 2 released; 3 more), n, n × item. Then, so
// that a busy worker needs no claim call of its own, it takes ready conversations for its free slots
// and for those this call released, answered as CLAIM does.
const ACK = `${NOW}local WITH_DATA = ARGV[5] == '1'
${FETCH}${TAKE}
local ns, token, lease, chunk = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local out, done, released = {}, 0, 0
local i = 7
while i <= #ARGV do
  local conv, id, flags = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local dead = string.find(flags, 'd', 1, true)
  if redis.call('HGET', ns .. ':owner', conv) ~= token then
    out[#out + 1] = 0
    out[#out + 1] = 0
  else
    local list = ns .. ':c:' .. conv
    -- Pop, then put back in the rare case the head is not this event (it was popped already).
    local head = redis.call('LPOP', list)
    if head == id then
      redis.call('HDEL', ns .. ':data', id)
      if not string.find(flags, 'c', 1, true) then
        redis.call('HDEL', ns .. ':tries', id)
        redis.call('HDEL', ns .. ':stalls', id)
      end
      done = done + 1
    elseif head then
      redis.call('LPUSH', list, head)
    end
    if dead then redis.call('HSET', ns .. ':dead', ARGV[i + 3], ARGV[i + 4]) end
    if not string.find(flags, 'w', 1, true) then
      out[#out + 1] = 1
      out[#out + 1] = 0
    elseif redis.call('LLEN', list) == 0 then
      redis.call('ZREM', ns .. ':claims', conv)
      redis.call('HDEL', ns .. ':owner', conv)
      released = released + 1
      out[#out + 1] = 2
      out[#out + 1] = 0
    elseif redis.call('LLEN', ns .. ':ready') > 0 then
      redis.call('ZREM', ns .. ':claims', conv)
      redis.call('HDEL', ns .. ':owner', conv)
      redis.call('RPUSH', ns .. ':ready', conv)
      wake(ns, 1)
      released = released + 1
      out[#out + 1] = 2
      out[#out + 1] = 0
    else
      redis.call('ZADD', ns .. ':claims', now + lease, conv)
      out[#out + 1] = 3
      fetch(ns, conv, chunk, out)
    end
  end
  if dead then i = i + 5 else i = i + 3 end
end
if done > 0 then redis.call('DECRBY', ns .. ':depth', done) end
local free = tonumber(ARGV[6]) + released
if free > 0 then take(ns, token, lease, chunk, free, out) end
return out`;

// ARGV: ns, token, conversation, entry id. Records a failed try durably (the retry runs after backoff);
// answers the tries so far, or -1 when this token no longer owns the conversation.
const FAIL = `
local ns = ARGV[1]
if redis.call('HGET', ns .. ':owner', ARGV[3]) ~= ARGV[2] then return -1 end
return redis.call('HINCRBY', ns .. ':tries', ARGV[4], 1)`;

// ARGV: ns, token, lease ms, conversations. Extends the leases this token holds; answers the ones lost.
const RENEW = `${NOW}
local ns, token, lease = ARGV[1], ARGV[2], tonumber(ARGV[3])
local lost = {}
for i = 4, #ARGV do
  if redis.call('HGET', ns .. ':owner', ARGV[i]) == token then
    redis.call('ZADD', ns .. ':claims', 'XX', now + lease, ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost`;

// ARGV: ns, limit. Takes back conversations whose owner's lease lapsed (it died, or starved past its
// lease): counts a stall against the head event (the one that may have been running) and readies them.
const REAP = `${NOW}local WITH_DATA = false
${FETCH}
local ns = ARGV[1]
local lapsed = redis.call('ZRANGEBYSCORE', ns .. ':claims', '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, conv in ipairs(lapsed) do
  redis.call('ZREM', ns .. ':claims', conv)
  redis.call('HDEL', ns .. ':owner', conv)
  local head = redis.call('LINDEX', ns .. ':c:' .. conv, 0)
  if head then
    redis.call('HINCRBY', ns .. ':stalls', head, 1)
    redis.call('LPUSH', ns .. ':ready', conv)
  end
end
if #lapsed > 0 then wake(ns, #lapsed) end
return #lapsed`;

// ARGV: ns, token, conversations. Gives back conversations this token owns (a clean stop: no stall).
const RELEASE = `local WITH_DATA = false
${FETCH}
local ns, token = ARGV[1], ARGV[2]
local n = 0
for i = 3, #ARGV do
  if redis.call('HGET', ns .. ':owner', ARGV[i]) == token then
    redis.call('ZREM', ns .. ':claims', ARGV[i])
    redis.call('HDEL', ns .. ':owner', ARGV[i])
    if redis.call('LLEN', ns .. ':c:' .. ARGV[i]) > 0 then
      redis.call('LPUSH', ns .. ':ready', ARGV[i])
      n = n + 1
    end
  end
end
if n > 0 then wake(ns, n) end
return n`;

// ARGV: ns, token, conversation, chunk, entry id ('' none). Reads a conversation this token owns afresh,
// answered as CLAIM answers one (n, n × item, without data), or -1 when it is not ours. For a re-claim of
// a conversation the worker still held (redis-held.ts): read once the earlier hold let go, so it lists
// what is left. The entry id is the earlier hold's last ack, sent 'clean' though the reaper may have
// counted a stall against it first: its tries and stalls go, unless it is still the head (not popped).
const PEEK = `local WITH_DATA = false
${FETCH}
local id = ARGV[5]
if id ~= '' and redis.call('LINDEX', ARGV[1] .. ':c:' .. ARGV[3], 0) ~= id then
  redis.call('HDEL', ARGV[1] .. ':tries', id)
  redis.call('HDEL', ARGV[1] .. ':stalls', id)
end
if redis.call('HGET', ARGV[1] .. ':owner', ARGV[3]) ~= ARGV[2] then return -1 end
local out = {}
fetch(ARGV[1], ARGV[3], tonumber(ARGV[4]), out)
return out`;

type Args = Array<string | number | Buffer>;
interface QueueCommands {
  botyardQClaim(...args: Args): Promise<Array<string | number | null>>;
  botyardQFail(...args: Args): Promise<number>;
  botyardQRenew(...args: Args): Promise<string[]>;
  botyardQReap(...args: Args): Promise<number>;
  botyardQRelease(...args: Args): Promise<number>;
  botyardQPeek(...args: Args): Promise<Array<string | number | null> | number>;
}

/**
 * The accept script, sent with the queue's own encoder (redis-resp.ts) after the HSET of its events'
 * JSON, written into that command piece by piece (`runAfter`: one transaction).
 */
export const acceptScript = respScript(ACCEPT);

/** The ack script, sent the same way: a commit's acks are many short arguments. */
export const ackScript = respScript(ACK);

/** The other scripts, defined once on `client` (ioredis loads each on first use and runs it by SHA after). */
export function queueScripts(client: Redis): QueueCommands {
  const redis = client as Redis & QueueCommands;
  if (typeof redis.botyardQClaim !== 'function') {
    const scripts = { botyardQClaim: CLAIM, botyardQFail: FAIL, botyardQRenew: RENEW, botyardQReap: REAP, botyardQRelease: RELEASE, botyardQPeek: PEEK };
    for (const [name, lua] of Object.entries(scripts)) client.defineCommand(name, { numberOfKeys: 0, lua });
  }
  return redis;
}
