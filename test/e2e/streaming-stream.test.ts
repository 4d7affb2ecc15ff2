/**
 * Streamed replies on Stream, end to end: users act through the real stream-chat SDK (server client
 * for posting, a user client for Stop); the emulator delivers signed webhooks to the runtime; the
 * assistant bot and the fixtures answer through the adapter; the emulator records every indicator
 * event and message revision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamChat, type Channel } from 'stream-chat';
import { offlineAnswer } from '../../bots/assistant/offline-model.ts';
import type { DevStack } from '../../src/cli/dev-stack.ts';
import type { StreamProgress } from '../../src/context/streaming.ts';
import { streamUserClient, watchedChannel } from '../helpers/stream-user.ts';
import { waitFor } from '../helpers/wait.ts';
import { startStreamingStack } from './fixtures/streaming-stack.ts';

type Loose = any;
const INTERVAL_MS = 150;
let stack: DevStack;
let client: StreamChat;
let n = 0;
const progress: StreamProgress[] = [];
const ingested: Array<{ type: string; outcome: string; messageId?: string }> = [];

beforeAll(async () => {
  stack = await startStreamingStack('stream', { streaming: { updateIntervalMs: INTERVAL_MS }, wordDelayMs: 25 });
  stack.booted.runtime.events.on('stream', (p) => progress.push(p));
  stack.booted.runtime.events.on('ingested', (e, outcome) => ingested.push({ type: e.type, outcome, messageId: (e.raw as Loose)?.message_id }));
  client = new StreamChat(stack.stream!.apiKey, stack.stream!.apiSecret, { baseURL: stack.stream!.url, disableCache: true });
  await client.upsertUsers([{ id: 'kim', name: 'Kim' }]);
});
afterAll(() => stack?.stop());

async function channel(): Promise<Channel> {
  const ch = client.channel('messaging', `stream-ai-${++n}`, { created_by_id: 'kim', members: ['kim', 'botyard'] } as Loose);
  await ch.create();
  return ch;
}

/** Resolves with the bot's first AI message (the placeholder) posted in `cid`. */
const placeholderIn = (cid: string) =>
  stack.stream!.waitForEvent((e) => e.type === 'message.new' && e.cid === cid && (e as Loose).message.ai_generated === true, 10_000).then((e) => (e as Loose).message.id as string);

const states = (cid: string, messageId: string) =>
  stack.stream!.ai.indicatorEvents(cid).filter((e) => e.messageId === messageId).map((e) => (e.type === 'ai_indicator.clear' ? 'clear' : e.state));

const finished = (messageId: string) => waitFor(() => progress.find((p) => p.messageId === messageId && p.phase === 'finished'), { timeoutMs: 20_000, what: `the stream of ${messageId} to finish` });

describe('streamed replies on Stream', () => {
  it('a mention: THINKING → GENERATING → cleared; the text grows over ≥ 3 partial updates to the stand-in\'s full answer', async () => {
    const ch = await channel();
    const started = performance.now();
    const placeholder = placeholderIn(ch.cid);
    const { message: question } = await ch.sendMessage({ text: '@Botyard what can you do?', user_id: 'kim', mentioned_users: ['botyard'] } as Loose);
    const id = await placeholder;
    await finished(id);
    console.log(`[streaming e2e] mention → final answer in ${Math.round(performance.now() - started)} ms`);

    expect(states(ch.cid, id)).toEqual(['AI_STATE_THINKING', 'AI_STATE_GENERATING', 'clear']);
    const texts = stack.stream!.ai.revisions(id).map((r) => r.text);
    const full = offlineAnswer('@Botyard what can you do?', 0);
    expect(texts[0]).toBe('');
    expect(texts.at(-1)).toBe(full);
    const partial = texts.slice(1, -1);
    expect(partial.length).toBeGreaterThanOrEqual(3);
    for (const [i, text] of partial.entries()) {
      expect(full.startsWith(text)).toBe(true);
      if (i > 0) expect(text.length).toBeGreaterThan(partial[i - 1]!.length);
    }
    const { message } = await client.getMessage(id);
    expect(message).toMatchObject({ text: full, ai_generated: true, parent_id: question.id, user: { id: 'botyard' } });
    // The bot's own indicator events and updates come back by webhook and are dropped before the queue.
    await stack.stream!.webhooksIdle();
    const echoes = ingested.filter((e) => e.messageId === id && e.type !== 'message.new');
    expect(echoes.map((e) => e.type)).toEqual(expect.arrayContaining(['ai_indicator.update', 'message.updated', 'ai_indicator.clear']));
    expect(echoes.every((e) => e.outcome === 'ignored')).toBe(true);
  });

  it("a user's Stop mid-stream aborts the source within one update interval; the text written stays; the indicator is cleared", async () => {
    const ch = await channel();
    const kim = await watchedChannel(await streamUserClient(stack.stream!, 'kim'), ch.cid);
    const placeholder = placeholderIn(ch.cid);
    await ch.sendMessage({ text: '/endless', user_id: 'kim' } as Loose);
    const id = await placeholder;
    await waitFor(() => stack.stream!.ai.revisions(id).some((r) => r.text.length > 0), { timeoutMs: 10_000, what: 'a partial update' });

    let stopAnnouncedAt = 0;
    const off = stack.stream!.on('event', (e) => {
      if (e.type === 'ai_indicator.stop' && e.cid === ch.cid) stopAnnouncedAt = Date.now();
    });
    // Timed from when the runtime took the stop in, not from the emulator's announcement: the webhook's
    // trip in between is the platform's, and on a loaded machine it once took 216 ms of this bound by itself.
    let stopReceivedAt = 0;
    const received = (e: { type: string; conversation: { id: string } }) => {
      if (e.type === 'ai_indicator.stop' && e.conversation.id === ch.cid) stopReceivedAt = Date.now();
    };
    stack.booted.runtime.events.on('ingested', received);
    await kim.stopAIResponse();
    off();
    const done = await finished(id);
    stack.booted.runtime.events.off('ingested', received);
    const abortedAt = (globalThis as { endlessAbortedAt?: number }).endlessAbortedAt!;
    console.log(`[streaming e2e] stop announced → received ${stopReceivedAt - stopAnnouncedAt} ms → source aborted ${abortedAt - stopReceivedAt} ms later (interval ${INTERVAL_MS} ms)`);

    expect(stopAnnouncedAt).toBeGreaterThan(0);
    expect(stopReceivedAt).toBeGreaterThan(0);
    expect(abortedAt - stopReceivedAt).toBeLessThanOrEqual(INTERVAL_MS);
    expect(done.outcome).toBe('stopped');
    const { message } = await client.getMessage(id);
    expect(message.text).toMatch(/^(w\d+ )+$/);
    expect(message.text).toBe(done.text);
    expect(states(ch.cid, id)).toEqual(['AI_STATE_THINKING', 'AI_STATE_GENERATING', 'clear']);
    expect(stack.stream!.ai.indicator(ch.cid)).toBeUndefined();
  });

  it('a source that throws ends with AI_STATE_ERROR and a visible note; nothing crashes and the other handler answers', async () => {
    const ch = await channel();
    const placeholder = placeholderIn(ch.cid);
    const dispatched = new Promise<Loose[]>((resolve) =>
      stack.booted.runtime.events.on('dispatched', (event, runs) => {
        if (event.conversation.id === ch.cid && event.message?.text === '/broken') resolve(runs);
      }),
    );
    await ch.sendMessage({ text: '/broken', user_id: 'kim' } as Loose);
    const id = await placeholder;
    const runs = await dispatched;

    expect(runs.map((r) => [r.handler, r.error])).toEqual([
      ['command(/broken)', undefined],
      ['command(/broken)', undefined],
    ]);
    expect(states(ch.cid, id)).toEqual(['AI_STATE_THINKING', 'AI_STATE_GENERATING', 'AI_STATE_ERROR']);
    expect(stack.stream!.ai.indicator(ch.cid)).toMatchObject({ state: 'AI_STATE_ERROR', message: '⚠️ Something went wrong while writing this answer.' });
    const { message } = await client.getMessage(id);
    expect(message.text).toBe('Half an answer\n\n⚠️ Something went wrong while writing this answer.');
    const texts = stack.stream!.state.messages(ch.cid).map((m: Loose) => m.text);
    expect(texts).toContain('the other handler still answers');
    expect(await stack.booted.runtime.adapterFor('stream')!.ready!()).toEqual({ ok: true });
  });

  it('failed updates (HTTP 500) are retried: still one message, ending with the full answer', async () => {
    const ch = await channel();
    const placeholder = placeholderIn(ch.cid);
    await ch.sendMessage({ text: '@Botyard again?', user_id: 'kim', mentioned_users: ['botyard'] } as Loose);
    const id = await placeholder;
    stack.stream!.faults.failNext('UpdateMessagePartial', { status: 500, count: 3 });
    await finished(id);
    expect(stack.stream!.requests.count('UpdateMessagePartial', 'failed')).toBeGreaterThanOrEqual(3);
    const mine = stack.stream!.state.messages(ch.cid).filter((m: Loose) => m.user.id === 'botyard');
    expect(mine.map((m: Loose) => m.text)).toEqual([offlineAnswer('@Botyard again?', 0)]);
    expect(states(ch.cid, id)).toEqual(['AI_STATE_THINKING', 'AI_STATE_GENERATING', 'clear']);
  });
});
