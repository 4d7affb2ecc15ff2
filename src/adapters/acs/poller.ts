import { pollCycle } from '../../telemetry/spans.ts';
import type { ChatMessage, ChatThreadItem } from '@azure/communication-chat';
import type { PollerDeps, PollOptions, PollStats } from './poll-options.ts';
import { advance, classify, createdMs, keys, prune, secondOpen, wholeSecond, type PollerState, type ThreadCursor } from './cursor.ts';
import { toPlatformError } from './errors.ts';
import { createThreadLeases } from './leases.ts';
import { messageEvents } from './normalize.ts';
import { RECHECK_DEFER_MAX_MS, recheckWaitMs, wakeableSleep } from './recheck-wait.ts';

export type { PollOptions, PollStats } from './poll-options.ts';

/** Empty cycles in a row before the interval starts growing towards the idle maximum. */
const IDLE_CYCLES_BEFORE_BACKOFF = 3;

/**
 * The listMessages poller. One cycle: one listChatThreads (from the last handled activity minus the
 * overlap), then listMessages(startTime) only on threads whose lastMessageReceivedOn moved, each
 * message classified against the thread's durable cursor (sequenceId for new, id+version for edits
 * and deletes), handed to the sink in order, and the cursor saved only after the sink took them.
 */
export function createPoller(deps: PollerDeps, options: PollOptions = {}) {
  const min = options.minIntervalMs ?? 1000;
  const max = Math.max(min, options.maxIntervalMs ?? 10_000);
  const overlap = options.overlapMs ?? 2000;
  const pageSize = options.pageSize ?? 100;
  const concurrency = options.concurrency ?? 4;
  const skew = options.clockSkewMs ?? overlap;
  /** The service's time when our clock read `local`, when it is known and no fixed margin was asked for. */
  const serviceAt = (local: number) => (options.clockSkewMs === undefined ? deps.serviceTimeAt?.(local) : undefined);
  const stampRead = (cursor: ThreadCursor, readAt: number) => {
    cursor.readAt = readAt;
    const service = serviceAt(readAt);
    if (service === undefined) delete cursor.serviceReadAt;
    else cursor.serviceReadAt = service;
  };
  /** How long a recheck should wait for its second to close in this cycle (recheck-wait.ts); undefined: read now. */
  const recheckIn = (cursor: ThreadCursor, nextCycleAt: number) => {
    const now = deps.now();
    return recheckWaitMs(cursor, subSecond, skew, now, serviceAt(now), nextCycleAt);
  };
  let interval = min;
  let idleCycles = 0;
  let cycle = 0;
  /** The tracing span of the cycle under way (opened at its first event). */
  let cycleSpan = pollCycle('acs poll', 0);
  let last: PollStats | undefined;
  let completedAt: number | undefined;
  let running = false;
  /** The loop's wait between cycles (nudge and stop end it), and a cycle's wait for its deferred rechecks (stop ends it). */
  const between = wakeableSleep();
  const deferral = wakeableSleep();
  let loop: Promise<void> | undefined;
  let inFlight: Promise<PollStats> | undefined;
  // Set once a listing shows a lastMessageReceivedOn with a sub-second part: the service keeps
  // milliseconds, so a whole-second time is a coincidence (one in a thousand), not a truncation, and
  // needs no recheck. Before this, a batch of messages posted in a .000 millisecond made every one of
  // its threads be read twice (~200 calls for 100 events in the 10k-thread bench). The real service
  // lists whole seconds (every recorded listing; the spec's format), so there a thread read while its
  // last second was open is read again (cursor.secondOpen).
  let subSecond = false;

  const leases = options.leaseTtlMs && !options.ownsThread
    ? createThreadLeases({ store: deps.store, bot: deps.bot, owner: deps.instanceId, ttlMs: options.leaseTtlMs, log: deps.log })
    : undefined;
  const owns = async (threadId: string): Promise<boolean> => {
    if (options.ownsThread) return options.ownsThread(threadId);
    return leases ? leases.owns(threadId) : true;
  };

  async function listAll<T>(pages: AsyncIterableIterator<T[]>, count: () => void): Promise<T[]> {
    const out: T[] = [];
    for await (const page of pages) {
      count();
      out.push(...page);
    }
    return out;
  }

  async function pollThread(item: ChatThreadItem, cursor: ThreadCursor, stats: PollStats): Promise<void> {
    const botId = deps.bot().id;
    const client = deps.chat().getChatThreadClient(item.id);
    const startTime = cursor.watermark > 0 ? new Date(cursor.watermark - overlap) : undefined;
    const readAt = deps.now();
    const messages: ChatMessage[] = await listAll(client.listMessages({ startTime, maxPageSize: pageSize }).byPage(), () => stats.calls++);
    messages.sort((a, b) => Number(a.sequenceId) - Number(b.sequenceId));
    const key = keys.cursor(botId, item.id);
    try {
      for (const m of messages) {
        const change = classify(cursor, m);
        const fromBot = m.sender !== undefined && (m.sender as { communicationUserId?: string }).communicationUserId === botId;
        if (change && !fromBot) {
          for (const event of messageEvents(item.id, m, change, deps.bot())) {
            await cycleSpan.run(() => deps.deliver(event));
            stats.events++;
            if (change === 'new') stats.lagMs = Math.max(stats.lagMs, deps.now() - m.createdOn.getTime());
          }
        }
        advance(cursor, m);
      }
      // A message that arrived between the thread listing and this read was handled just now; remember
      // its time too, so the next listing (which shows it as the thread's latest) costs no second read.
      // createdOn has second precision, so with a millisecond listing its time comes from the id (createdMs).
      let newestRead = messages.reduce((t, m) => Math.max(t, m.createdOn.getTime()), 0);
      const newest = messages.at(-1);
      if (subSecond && newest) newestRead = Math.max(newestRead, createdMs(newest, messages.at(-2)));
      const listed = Math.max(item.lastMessageReceivedOn?.getTime() ?? 0, newestRead) || undefined;
      cursor.lmro = listed === undefined ? undefined : new Date(listed).toISOString();
      stampRead(cursor, readAt);
      delete cursor.recheck;
    } finally {
      prune(cursor, overlap);
      await deps.store().set(key, cursor);
    }
  }

  /** Runs exactly one poll cycle. Throws a PlatformError when a list call fails (cursors keep what was handled). */
  async function pollOnce(): Promise<PollStats> {
    if (inFlight) return inFlight;
    inFlight = (async () => {
      const started = deps.now();
      cycleSpan = pollCycle('acs poll', Date.now());
      const stats: PollStats = { cycle: ++cycle, calls: 0, threadsListed: 0, threadsPolled: 0, events: 0, lagMs: 0, durationMs: 0, nextIntervalMs: interval };
      const store = deps.store();
      const botId = deps.bot().id;
      const state = await store.get<PollerState>(keys.poller(botId));
      const baseline = state === undefined;
      const since = state?.threadsSince;
      let threads: ChatThreadItem[];
      try {
        threads = await listAll(
          deps.chat().listChatThreads({ maxPageSize: pageSize, ...(since !== undefined ? { startTime: new Date(since - overlap) } : {}) }).byPage(),
          () => stats.calls++,
        );
      } catch (error) {
        throw toPlatformError(error, 'listChatThreads');
      }
      stats.threadsListed = threads.length;
      subSecond ||= threads.some((t) => t.lastMessageReceivedOn !== undefined && !wholeSecond(t.lastMessageReceivedOn.getTime()));
      let allHandled = true;
      let newest = since ?? 0;
      // The lowest activity time of a changed thread another instance owns and has not handled yet:
      // the shared threadsSince must stay below it, or the thread would drop out of everyone's
      // listChatThreads window if its owner dies before handling it.
      let heldBack = Infinity;
      const queue = threads.filter((t) => !t.deletedOn);
      /** Rechecks whose second closes soon, with when (our clock) to read them: see RECHECK_DEFER_MAX_MS. */
      const deferred: { item: ChatThreadItem; at: number }[] = [];
      let mayDefer = true;
      const worker = async () => {
        for (let item = queue.shift(); item; item = queue.shift()) {
          const lmro = item.lastMessageReceivedOn?.getTime() ?? 0;
          try {
            const key = keys.cursor(botId, item.id);
            let cursor = await store.get<ThreadCursor>(key);
            const unchanged = cursor !== undefined && cursor.lmro === item.lastMessageReceivedOn?.toISOString();
            if (unchanged && !secondOpen(cursor!, subSecond, skew)) {
              newest = Math.max(newest, lmro);
              continue;
            }
            if (!(await owns(item.id))) {
              heldBack = Math.min(heldBack, lmro);
              continue;
            }
            const readIn = unchanged && mayDefer ? recheckIn(cursor!, started + interval) : undefined;
            if (readIn !== undefined) {
              deferred.push({ item, at: deps.now() + readIn });
              continue;
            }
            if (!cursor && baseline) {
              // First start ever: history is not news. Remember where each thread stands, emit nothing.
              const readAt = deps.now();
              const first = await deps.chat().getChatThreadClient(item.id).listMessages({ maxPageSize: 1 }).byPage().next();
              stats.calls++;
              const top = first.done ? undefined : first.value[0];
              cursor = { maxSeq: 0, watermark: 0, seen: {}, lmro: item.lastMessageReceivedOn?.toISOString() };
              stampRead(cursor, readAt);
              if (top) advance(cursor, top);
              await store.set(key, cursor);
            } else {
              // A thread new to us after the first start: everything since the last handled activity is news.
              cursor ??= { maxSeq: 0, watermark: since !== undefined ? since : 0, seen: {} };
              stats.threadsPolled++;
              if (unchanged) stats.threadsRechecked = (stats.threadsRechecked ?? 0) + 1;
              await pollThread(item, cursor, stats);
            }
            newest = Math.max(newest, lmro);
            // Still open after this read: keep the shared threadsSince below it, so the thread stays in
            // the listing window until a read after its second closed.
            if (secondOpen(cursor, subSecond, skew)) heldBack = Math.min(heldBack, lmro);
          } catch (error) {
            allHandled = false;
            stats.error = toPlatformError(error, `polling ${item.id}`).message;
            deps.log()?.warn({ err: error, threadId: item.id }, 'acs poller: thread not handled; will retry next cycle');
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
      if (deferred.length > 0) {
        // One wait for all of them (the latest is at most RECHECK_DEFER_MAX_MS off), then one more pass.
        await deferral.sleep(Math.min(RECHECK_DEFER_MAX_MS, Math.max(0, Math.max(...deferred.map((d) => d.at)) - deps.now())));
        mayDefer = false;
        queue.push(...deferred.map((d) => d.item));
        await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
      }
      if (allHandled) {
        const upTo = Math.min(newest, heldBack - 1);
        await store.set(keys.poller(botId), { threadsSince: upTo > 0 ? upTo : since } satisfies PollerState);
      }
      // Back off only after a few empty cycles in a row: with steady traffic a single cycle often lands
      // between two messages, and backing off on it pushed detection to 1.5-2x the interval (bench/acs).
      idleCycles = stats.events > 0 || stats.threadsPolled > (stats.threadsRechecked ?? 0) ? 0 : idleCycles + 1;
      interval = idleCycles < IDLE_CYCLES_BEFORE_BACKOFF ? min : Math.min(max, Math.round(interval * 1.5));
      stats.nextIntervalMs = interval;
      stats.durationMs = deps.now() - started;
      cycleSpan.end(stats.events);
      last = stats;
      completedAt = deps.now();
      return stats;
    })();
    try {
      return await inFlight;
    } finally {
      inFlight = undefined;
    }
  }

  return {
    pollOnce,
    get stats(): PollStats | undefined {
      return last;
    },
    /** Milliseconds since a cycle last completed; undefined before the first. */
    lagMs: () => (completedAt === undefined ? undefined : deps.now() - completedAt),
    start() {
      if (running) return;
      running = true;
      leases?.start();
      loop = (async () => {
        while (running) {
          let waitMs = interval;
          const cycleStarted = deps.now();
          try {
            await pollOnce();
            // The interval runs start to start, so a cycle's own duration does not add to detection latency (bench/acs).
            waitMs = Math.max(0, interval - (deps.now() - cycleStarted));
          } catch (error) {
            const e = toPlatformError(error, 'poll');
            // Honour Retry-After when the service gave one (the SDK already retried 3 times); else back off.
            waitMs = e.retryAfterMs ?? Math.min(max, interval * 2);
            interval = Math.min(max, interval * 2);
            deps.log()?.warn({ err: e, waitMs }, 'acs poller: cycle failed');
          }
          if (running) await between.sleep(waitMs);
        }
      })();
    },
    /** Polls soon (e.g. after Event Grid says something happened). */
    nudge() {
      interval = min;
      idleCycles = 0;
      between.wake();
    },
    async stop() {
      running = false;
      between.wake();
      deferral.wake();
      await loop;
      await inFlight?.catch(() => undefined);
      // Cursors are saved as each thread is handled; what is left is to hand the threads over.
      await leases?.releaseAll();
    },
    /** Thread ids whose lease this instance holds (empty without leases). */
    leasedThreads: () => leases?.held() ?? [],
  };
}

export type Poller = ReturnType<typeof createPoller>;
