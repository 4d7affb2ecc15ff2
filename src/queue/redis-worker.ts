/**
 * The working side of the Redis queue (redis.ts): claims ready conversations in batches, works each
 * claimed conversation's events one after the other from its head, and acknowledges finished events
 * through one group commit, so a busy instance pays one claim and one ack script for many events.
 *
 * A claimed conversation is this instance's until it runs out of events (or yields to others waiting);
 * its lease is renewed every lockMs/2 and, when this instance dies, lapses and is reaped by any instance.
 * The next event of a conversation starts only once the previous one's ack is in Redis, so after a crash
 * only the head can have run unacknowledged: the reaper counts a stall against it, and it runs again as
 * a retry (attempt > 1, so the dispatcher skips handlers it knows are done). A claim of a conversation
 * this instance still holds (same owner token) supersedes the old hold rather than run beside it
 * (redis-held.ts).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { InboundEvent } from '../adapters/adapter.ts';
import type { DeadLetter, EventWorker } from './queue.ts';
import { settlesWithin } from './settles-within.ts';
import { groupCommit } from './group-commit.ts';
import { attemptEvent } from './redis-attempts.ts';
import { maintainLeases } from './redis-leases.ts';
import { busy, finish, HeldConversations, resume, type Held } from './redis-held.ts';
import type { LocalEvents } from './redis-local.ts';
import type { RespArg } from './redis-resp.ts';
import { WorkerSlots } from './redis-slots.ts';
import { readAckReply, readItems, type AckAnswer, type Item } from './redis-replies.ts';
import { ackScript, queueScripts } from './redis-scripts.ts';

export interface WorkerOptions {
  client: Redis;
  ns: string;
  /** Conversations held (so events running) at once. */
  concurrency: number;
  maxAttempts: number;
  backoffMs: number;
  lockMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  /** Events fetched per conversation at a time. */
  chunk: number;
  /**
   * Events this instance accepted, by entry id: a claimed event found here is worked from memory, so
   * its JSON is neither read back from Redis nor parsed. The worker removes what it finishes.
   */
  local: LocalEvents;
  log?: Logger;
}

interface Ack {
  conv: string;
  id: string;
  dead?: DeadLetter;
  want: boolean;
  /** No failed try or stall was ever recorded for it: the ack script has none to delete. */
  clean: boolean;
}

export interface QueueWorker {
  /** This worker's owner token in Redis. */
  token: string;
  /** Promises up to the free slots to a claim the caller is about to make; answers how many. */
  reserve(): number;
  /** Gives back what `reserve` promised, once the claim's answer is in hand (adopt it first). */
  unreserve(n: number): void;
  /** Takes the conversations a script claimed for `token` (name, n, n × item from `at` in `reply`) and works them. */
  adopt(reply: Array<string | number | null>, at: number): Promise<number>;
  /** Stops claiming, lets running events finish for up to `timeoutMs`, gives back the rest. */
  stop(timeoutMs: number): Promise<void>;
}

export function startWorker(handle: EventWorker, o: WorkerOptions): QueueWorker {
  const scripts = queueScripts(o.client);
  const token = `${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const held = new HeldConversations();
  const log = o.log;
  let stopping = false;
  const slots = new WorkerSlots(o.concurrency, () => held.size);
  // Idle workers block on ns:wake on a connection of their own.
  const blocking = o.client.duplicate({ maxRetriesPerRequest: null });
  blocking.on('error', (err) => log?.warn({ err }, 'queue blocking connection error'));

  /** Reads claimed conversations (name, n, n × item) from `reply` at `at`; holds them, gives them their events, works them. */
  async function adopt(reply: Array<string | number | null>, at: number): Promise<number> {
    const claimed: Held[] = [];
    while (at < reply.length) {
      const conv = String(reply[at++]);
      const read = readItems(reply, at);
      at = read.at;
      // Held before their events are read: if that fails they are still renewed... until drive gives up.
      claimed.push(held.hold(conv, read.items));
    }
    let failed = false;
    try {
      await fill(claimed.flatMap((h) => h.items));
    } catch (err) {
      log?.warn({ err }, 'queue could not read the events of conversations it claimed; they are taken back when their leases lapse');
      failed = true;
    }
    for (const h of claimed) {
      // One superseding a Held here had nothing to read yet (it reads once that one is done): it goes on.
      if (failed && !h.after) {
        h.lost = true;
        held.drop(h);
        finish(h);
      } else if (!stopping) {
        void drive(h);
      }
      // Else claimed by a commit that was under way when stop() began: not started; stop() gives it back.
    }
    if (failed) slots.notify();
    return failed ? 0 : claimed.length;
  }

  // One script per commit for every finished event, which also claims work for the slots that frees.
  const acks = groupCommit<Ack, AckAnswer>(async (batch) => {
    const free = slots.reserve(stopping);
    const args: RespArg[] = [o.ns, token, o.lockMs, o.chunk, '0', free];
    for (const a of batch) {
      const flags = `${a.want ? 'w' : ''}${a.clean ? 'c' : ''}${a.dead ? 'd' : ''}`;
      if (a.dead) args.push(a.conv, a.id, flags, a.dead.event.id, JSON.stringify(a.dead));
      else args.push(a.conv, a.id, flags);
    }
    let reply: Array<string | number | null>;
    try {
      reply = (await ackScript.run(o.client, args)) as Array<string | number | null>;
    } catch (error) {
      slots.giveBack(free);
      throw error;
    }
    const { answers, at } = readAckReply(reply, batch.length);
    // Held before the reservation is given back, so the claim loop never counts their slots as free.
    const adopted = adopt(reply, at);
    slots.giveBack(free);
    await fill(answers.flatMap((a) => a.items));
    await adopted;
    return answers;
  });

  /** Gives each item its event: from memory when this instance accepted it, else read from Redis (one call). */
  async function fill(items: Item[]): Promise<void> {
    const missing: Item[] = [];
    for (const item of items) {
      const event = o.local.get(item.id);
      if (event) item.event = event;
      else missing.push(item);
    }
    if (!missing.length) return;
    const data = await o.client.hmget(`${o.ns}:data`, ...missing.map((item) => item.id));
    missing.forEach((item, i) => (item.json = data[i] ?? null));
  }

  /** Runs the head event until it is done, dead or lost; answers whether to go on with the conversation. */
  async function runHead(h: Held, item: Item): Promise<boolean> {
    const event = item.event ?? (item.json === null ? undefined : (JSON.parse(item.json) as InboundEvent));
    const outcome = await attemptEvent(event, item, {
      handle,
      maxAttempts: o.maxAttempts,
      maxStalledCount: o.maxStalledCount,
      backoffMs: o.backoffMs,
      ...(log ? { log } : {}),
      recordFailure: async () => (await scripts.botyardQFail(o.ns, token, h.conv, item.id)) >= 0,
      halted: () => stopping || h.lost || !held.isCurrent(h),
      sleep: (ms) => new Promise<void>((wake) => (h.sleep = { timer: setTimeout(wake, ms), wake })).finally(() => (h.sleep = undefined)),
    });
    if (outcome === 'halted') return false;
    const dead = outcome === 'done' ? undefined : outcome;
    h.items.shift();
    o.local.delete(item.id);
    // A superseded Held's head may have had a stall counted by the reap that let this instance claim it again.
    const clean = item.tries === 0 && item.stalls === 0 && held.isCurrent(h);
    h.acked = { id: item.id, clean };
    const answer = await acks.submit({ conv: h.conv, id: item.id, ...(dead ? { dead } : {}), want: h.items.length === 0, clean });
    if (answer.status === 0) {
      h.lost = true;
      return false;
    }
    if (answer.status === 2) {
      h.ended = true;
      return false;
    }
    if (answer.status === 3) h.items.push(...answer.items);
    return true;
  }

  async function drive(h: Held): Promise<void> {
    try {
      if (h.after && !(await resume(h, held, { scripts, ns: o.ns, token, chunk: o.chunk, fill, stopping: () => stopping }))) h.ended = true;
      // Only the current Held of a conversation starts its events: one superseded lets its successor go on.
      while (!stopping && held.isCurrent(h) && !h.lost && !h.ended && h.items.length) {
        h.busy = true;
        const go = await runHead(h, h.items[0]!);
        h.busy = false;
        if (!go) break;
      }
    } catch (err) {
      h.busy = false;
      // Redis failed under us: leave the conversation to lapse and be reaped (it runs again elsewhere).
      log?.error({ err, conversation: h.conv }, 'queue could not finish an event; its conversation will be retried when its lease lapses');
      h.lost = true;
    }
    // Events of it kept in memory are someone else's to work now (unless a successor here works them).
    if (h.lost && held.isCurrent(h)) for (const item of h.items) o.local.delete(item.id);
    // Stopping with the conversation still ours: stop() gives it back.
    if (h.ended || h.lost || !stopping) {
      held.drop(h);
      slots.notify();
    }
    finish(h);
  }

  /**
   * Claims ready conversations for free slots that nothing else fills. Busy, this instance claims within
   * its accept and ack scripts (their `take`), so this loop mostly waits: it claims at start, then only
   * once a wake token says something was readied. Not right after a slot frees: the ack that freed it
   * already took what was ready, and a claim then found nothing, twice a round trip per freed slot.
   */
  async function claimLoop(): Promise<void> {
    // False until a claim finds less than it asked for: ready was empty, so wait for a token first.
    let waitForWake = false;
    while (!stopping) {
      if (slots.free() <= 0) {
        // Woken when a slot frees or a reservation is given back; the timer is only a safety net.
        await slots.waitForFree(1000);
        // Let the ack commits of this turn refill the slot first: they claim in the same call.
        await new Promise((resolve) => setImmediate(resolve));
        waitForWake = true;
        continue;
      }
      try {
        // Tokens are pushed for every conversation readied and cleared when a take empties ready, so
        // this returns at once while ready has work; the timeout is the safety net for a lost token.
        if (waitForWake) await blocking.blpop(`${o.ns}:wake`, 1);
        if (stopping || slots.free() <= 0) continue;
        const free = slots.reserve();
        let reply: Array<string | number | null>;
        try {
          reply = await scripts.botyardQClaim(o.ns, token, o.lockMs, free, o.chunk, '0');
        } finally {
          slots.giveBack(free);
        }
        waitForWake = (await adopt(reply, 0)) < free;
      } catch (err) {
        if (stopping) return;
        log?.warn({ err }, 'queue could not claim work; trying again');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  const stopLeases = maintainLeases({
    scripts,
    ns: o.ns,
    token,
    lockMs: o.lockMs,
    stalledIntervalMs: o.stalledIntervalMs,
    held: () => [...held.values()],
    lost: (h) => void (h.lost = true),
    ...(log ? { log } : {}),
  });
  const looping = claimLoop();

  return {
    token,
    reserve: () => slots.reserve(stopping),
    unreserve: (n) => slots.giveBack(n),
    adopt,
    async stop(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      stopping = true;
      slots.notify();
      blocking.disconnect();
      // Within the bound too: with Redis gone the claim loop can hang on a call that never answers.
      let gaveUp = !(await settlesWithin(looping, timeoutMs));
      for (const h of held.running()) {
        if (h.sleep) {
          clearTimeout(h.sleep.timer);
          h.sleep.wake();
        }
      }
      // Until no event is being worked and no claim is in flight (its answer would add conversations).
      const working = () => slots.reserved > 0 || [...held.values()].some(busy);
      while (working() && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      gaveUp ||= working();
      // Said here, where the bound ran out, so an operator whose stop took the whole grace period reads why.
      if (gaveUp) log?.warn({ timeoutMs }, 'queue stop timed out; in-flight events will be recovered by another instance');
      stopLeases();
      // Past the bound a running event keeps its claim, unrenewed: it lapses and another instance takes it.
      // Not one a superseded Held still works (its event is running): its lease lapses as that one's would.
      const idle = [...held.values()].filter((h) => !h.lost && !h.ended && !busy(h)).map((h) => h.conv);
      // Bounded: with Redis gone the call would wait for it forever; the leases lapse instead.
      const given = idle.length ? scripts.botyardQRelease(o.ns, token, ...idle) : Promise.resolve(0);
      given.catch((err) => log?.warn({ err }, 'queue could not give back its conversations; they are taken back when their leases lapse'));
      await settlesWithin(given, 1000);
    },
  };
}
