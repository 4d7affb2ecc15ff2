import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../../src/emulator/acs/index.ts';
import { createMemoryStore } from '../../../src/state/memory.ts';
import { waitFor } from '../../helpers/wait.ts';
import { ofType, startAdapter, texts, type Harness } from './helpers.ts';

let emulator: AcsEmulator;
const running: Harness[] = [];
beforeAll(async () => {
  emulator = await startAcsEmulator();
});
afterEach(async () => {
  emulator.faults.clear();
  emulator.settings.tokenLifetimeMs = undefined;
  await Promise.all(running.splice(0).map((h) => h.adapter.stop()));
});
afterAll(() => emulator.close());

async function adapter(options: Parameters<typeof startAdapter>[1] = {}) {
  const h = await startAdapter(emulator, options);
  running.push(h);
  return h;
}

/** A user and a thread holding the user and the bot. */
function userThread(botId: string, topic = 'room') {
  const user = emulator.admin.createUser('Ursula');
  const threadId = emulator.admin.createThread(user.id, { topic, participants: [{ id: botId, displayName: 'Botty' }] });
  return { user, threadId };
}

/** Threads read because the listing moved (not re-read because their listed second was still open). */
const moved = (s: { threadsPolled: number; threadsRechecked?: number }) => s.threadsPolled - (s.threadsRechecked ?? 0);

// The service lists lastMessageReceivedOn in whole seconds; the poller must be right with finer times too.
describe.each(['seconds', 'milliseconds'] as const)('ACS poller (lastMessageReceivedOn in %s)', (precision) => {
  beforeEach(() => {
    emulator.settings.lastMessageReceivedOnPrecision = precision;
  });

  it('creates the bot user once and keeps it in the store', async () => {
    const store = createMemoryStore();
    const a = await adapter({ store });
    expect(a.adapter.botUser.id).toMatch(/^8:acs:/);
    expect(await store.get('acs:bot-user')).toEqual({ id: a.adapter.botUser.id });
    const b = await adapter({ store });
    expect(b.adapter.botUser.id).toBe(a.adapter.botUser.id);
  });

  it('delivers a user message once, drops the bot’s own, and turns system messages into events', async () => {
    const h = await adapter();
    await h.adapter.pollOnce(); // first start: history is not news
    const { user, threadId } = userThread(h.adapter.botUser.id, 'standup');

    await h.adapter.pollOnce();
    const added = ofType(h.events, 'member.added').map((e) => e.member!.id).sort();
    expect(added).toEqual([user.id, h.adapter.botUser.id].sort());
    expect(ofType(h.events, 'member.added').find((e) => e.member!.id === h.adapter.botUser.id)?.member?.isBot).toBe(true);
    expect(ofType(h.events, 'conversation.updated')[0]?.changes).toEqual({ topic: 'standup', name: 'standup' });

    emulator.admin.sendMessage(threadId, user.id, 'hi @Botty how are you', { metadata: { mood: 'good' } });
    await h.adapter.pollOnce();
    const [msg] = ofType(h.events, 'message.new');
    expect(msg).toMatchObject({
      platform: 'acs',
      conversation: { platform: 'acs', id: threadId },
      sender: { id: user.id, name: 'Ursula' },
      message: { text: 'hi @Botty how are you', data: { mood: 'good' } },
    });
    expect(msg!.message!.mentions.map((u) => u.id)).toEqual([h.adapter.botUser.id]);
    expect(msg!.id).toBe(`acs:${threadId}:${msg!.message!.id}`);

    const before = h.events.length;
    const idle = await h.adapter.pollOnce();
    expect(h.events.length).toBe(before);
    // One listChatThreads, no listMessages for a change: nothing moved (a second-precision listing may
    // still re-read a thread whose last second was open at the previous read).
    expect([idle.calls - (idle.threadsRechecked ?? 0), moved(idle)]).toEqual([1, 0]);

    await h.adapter.send({ platform: 'acs', id: threadId }, { text: 'hello from the bot' });
    const afterOwn = await h.adapter.pollOnce();
    expect(afterOwn.threadsPolled).toBe(1);
    expect(h.events.length).toBe(before);
  });

  it('on its first start takes one newest-message call per thread and emits no history', async () => {
    const store = createMemoryStore();
    const first = await adapter({ store });
    await first.adapter.stop();
    await store.delete(`acs:poller:${first.adapter.botUser.id}`);
    const { user, threadId } = userThread(first.adapter.botUser.id, 'history');
    for (let i = 0; i < 5; i++) emulator.admin.sendMessage(threadId, user.id, `old ${i}`);
    const h = await adapter({ store });
    emulator.resetCounters();
    const stats = await h.adapter.pollOnce();
    expect(emulator.counters()['messages.list']).toBe(1);
    expect(stats.events).toBe(0);
    emulator.admin.sendMessage(threadId, user.id, 'fresh');
    await h.adapter.pollOnce();
    expect(texts(h.events)).toEqual(['fresh']);
  });

  it('polls only threads whose lastMessageReceivedOn moved', async () => {
    const h = await adapter();
    const threads = Array.from({ length: 5 }, (_, i) => userThread(h.adapter.botUser.id, `t${i}`));
    await h.adapter.pollOnce();
    emulator.admin.sendMessage(threads[2]!.threadId, threads[2]!.user.id, 'only here');
    emulator.resetCounters();
    const stats = await h.adapter.pollOnce();
    // With whole-second listings, threads whose second was still open at the first read are read once
    // more (poller-cost.test.ts shows those reads stop once the second closed); with finer times, one read.
    if (precision === 'milliseconds') expect(stats.threadsPolled).toBe(1);
    else expect(moved(stats)).toBeLessThanOrEqual(1);
    expect(emulator.counters()).toEqual({ 'threads.list': 1, 'messages.list': stats.threadsPolled });
    expect(texts(h.events)).toEqual(['only here']);
  });

  it('reports edits and deletes as message.updated / message.deleted', async () => {
    const h = await adapter();
    await h.adapter.pollOnce();
    const { user, threadId } = userThread(h.adapter.botUser.id);
    const id = emulator.admin.sendMessage(threadId, user.id, 'first');
    await h.adapter.pollOnce();
    emulator.admin.editMessage(threadId, id, 'first, edited');
    const other = emulator.admin.sendMessage(threadId, user.id, 'second');
    await h.adapter.pollOnce();
    emulator.admin.deleteMessage(threadId, id);
    emulator.admin.sendMessage(threadId, user.id, 'third');
    await h.adapter.pollOnce();
    await h.adapter.pollOnce();
    expect(texts(h.events)).toEqual(['first', 'second', 'third']);
    expect(ofType(h.events, 'message.updated').map((e) => e.message!.text)).toEqual(['first, edited']);
    expect(ofType(h.events, 'message.deleted').map((e) => e.message!.id)).toEqual([id]);
    expect(other).not.toBe(id);
  });

  it('survives a restart in the middle of traffic: nothing missed, nothing twice', async () => {
    const store = createMemoryStore();
    const a = await adapter({ store });
    await a.adapter.pollOnce();
    const { user, threadId } = userThread(a.adapter.botUser.id);
    const sent: string[] = [];
    const say = (n: number) => {
      for (let i = 0; i < n; i++) sent.push(emulator.admin.sendMessage(threadId, user.id, `m${sent.length}`));
    };
    say(3);
    await a.adapter.pollOnce();
    say(3);
    // The first instance dies while handing over the 5th message: the sink never accepts it.
    a.failWhen = (e) => e.message?.text === 'm4';
    const failed = await a.adapter.pollOnce();
    expect(failed.error).toContain('sink refused');
    await a.adapter.stop();
    say(2);

    const b = await adapter({ store });
    expect(b.adapter.botUser.id).toBe(a.adapter.botUser.id);
    await b.adapter.pollOnce();
    say(1);
    await b.adapter.pollOnce();

    const delivered = [...ofType(a.events, 'message.new'), ...ofType(b.events, 'message.new')].map((e) => e.message!.id);
    expect(delivered).toEqual(sent);
    expect(new Set(delivered).size).toBe(sent.length);
    expect(texts(b.events)).toEqual(['m4', 'm5', 'm6', 'm7', 'm8']);
  });

  it('keeps working across several token refreshes with tokens that live 1.5 s', async () => {
    emulator.settings.tokenLifetimeMs = 1500;
    const h = await adapter({ tokenRefreshMarginMs: 60_000 });
    await h.adapter.pollOnce();
    const { user, threadId } = userThread(h.adapter.botUser.id);
    const deadline = Date.now() + 4500;
    let n = 0;
    while (Date.now() < deadline) {
      emulator.admin.sendMessage(threadId, user.id, `tick ${n++}`);
      await h.adapter.pollOnce();
      await h.adapter.send({ platform: 'acs', id: threadId }, { text: `tock ${n}` });
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(texts(h.events)).toEqual(Array.from({ length: n }, (_, i) => `tick ${i}`));
    expect(h.adapter.tokenRefreshes).toBeGreaterThanOrEqual(3);
    expect(emulator.state.messages(threadId).filter((m) => m.content?.startsWith('tock'))).toHaveLength(n);
    expect(emulator.counters()['identity.issueToken']).toBeGreaterThanOrEqual(3);
  });

  it('waits out a 429 with Retry-After on listMessages and on send: one delivery, one message', async () => {
    const h = await adapter();
    await h.adapter.pollOnce();
    const { user, threadId } = userThread(h.adapter.botUser.id);
    await h.adapter.pollOnce();
    emulator.admin.sendMessage(threadId, user.id, 'under pressure');
    emulator.faults.throttle('messages.list', { count: 1, retryAfterSeconds: 1 });
    emulator.resetCounters();
    const t0 = Date.now();
    await h.adapter.pollOnce();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(emulator.counters()['messages.list']).toBe(2);
    expect(texts(h.events)).toEqual(['under pressure']);

    emulator.faults.throttle('messages.send', { count: 1, retryAfterSeconds: 1 });
    await h.adapter.send({ platform: 'acs', id: threadId }, { text: 'reply after waiting' });
    expect(emulator.state.messages(threadId).filter((m) => m.content === 'reply after waiting')).toHaveLength(1);
    expect(emulator.counters()['messages.send']).toBe(2);
  });

  it('surfaces a persistent 429 as a PlatformError with status and retryAfterMs, and the next cycle catches up', async () => {
    const h = await adapter();
    await h.adapter.pollOnce();
    const { user, threadId } = userThread(h.adapter.botUser.id);
    emulator.admin.sendMessage(threadId, user.id, 'later');
    emulator.faults.throttle('threads.list', { count: 4, retryAfterSeconds: 0 });
    await expect(h.adapter.pollOnce()).rejects.toMatchObject({ name: 'PlatformError', status: 429, retryAfterMs: 0, platformCode: 'TooManyRequests' });
    await h.adapter.pollOnce();
    expect(texts(h.events)).toEqual(['later']);
  });

  it('runs on its own with an adaptive interval and stops cleanly', async () => {
    const h = await adapter({ poll: { enabled: true, minIntervalMs: 30, maxIntervalMs: 300 } });
    const { user, threadId } = userThread(h.adapter.botUser.id);
    await waitFor(() => ofType(h.events, 'member.added').length === 2 || h.adapter.pollStats?.cycle, { what: 'first cycles' });
    emulator.admin.sendMessage(threadId, user.id, 'live');
    await waitFor(() => texts(h.events).includes('live'), { what: 'the live message' });
    await waitFor(() => (h.adapter.pollStats?.nextIntervalMs ?? 0) > 30, { what: 'backing off when idle' });
    await h.adapter.stop();
    const cycles = h.adapter.pollStats!.cycle;
    await new Promise((r) => setTimeout(r, 100));
    expect(h.adapter.pollStats!.cycle).toBe(cycles);
  });

  it('with leases, two instances on one store poll each thread from one instance only', async () => {
    const store = createMemoryStore();
    const a = await adapter({ store, poll: { leaseTtlMs: 60_000 } });
    const b = await adapter({ store, poll: { leaseTtlMs: 60_000 } });
    await a.adapter.pollOnce();
    await b.adapter.pollOnce();
    const rooms = Array.from({ length: 4 }, (_, i) => userThread(a.adapter.botUser.id, `r${i}`));
    await Promise.all([a.adapter.pollOnce(), b.adapter.pollOnce()]);
    for (const r of rooms) emulator.admin.sendMessage(r.threadId, r.user.id, `in ${r.threadId}`);
    await Promise.all([a.adapter.pollOnce(), b.adapter.pollOnce()]);
    const all = [...texts(a.events), ...texts(b.events)];
    expect(all.sort()).toEqual(rooms.map((r) => `in ${r.threadId}`).sort());
  });
});
