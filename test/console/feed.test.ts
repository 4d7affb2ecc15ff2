/**
 * The console's API and live feed over HTTP, no browser: the SSE frames a page receives when a user
 * posts through the console and a bot answers, and the errors the API gives.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevStack, type DevStack } from '../../src/cli/dev-stack.ts';
import type { ConversationSnapshot, InspectorEntry } from '../../src/console/types.ts';
import { createLogger } from '../../src/runtime/log.ts';
import fixtureConfig from '../fixtures/bot.config.ts';
import { FIXTURE_BOTS, FIXTURE_CONFIG } from '../helpers/fixtures.ts';
import { consoleApi } from './api-client.ts';

/**
 * Opens the feed (resolves once the server attached it) and reads server-sent events until `done`
 * says so or the deadline passes.
 */
async function openFeed(url: string, done: (frames: Array<{ event: string; data: any }>) => boolean, timeoutMs = 10_000) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  const frames: Array<{ event: string; data: any }> = [];
  const res = await fetch(url, { signal: abort.signal });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const finished = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) frames.push({ event, data: JSON.parse(data) });
        }
        if (done(frames)) break;
      }
    } catch (err) {
      if (!abort.signal.aborted) throw err;
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
    return frames;
  })();
  return { frames: finished };
}

describe('console API and feed', () => {
  let stack: DevStack;
  const api = consoleApi(() => stack.url);

  beforeAll(async () => {
    // The tests' own bots (test/fixtures), never the repository's bots/ folder; the reminders bot's
    // weekly post goes to the channel the second test creates.
    const config = { ...fixtureConfig, botsDir: FIXTURE_BOTS, bots: { ...fixtureConfig.bots, reminders: { weeklyTarget: 'stream:messaging:feed-test' } } };
    stack = await startDevStack({ config, env: {}, port: 0, host: '127.0.0.1', log: createLogger({ level: 'fatal' }) });
  });
  afterAll(() => stack?.stop());

  it('serves the page and its assets', async () => {
    const page = await fetch(`${stack.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/console/assets/app.js');
    for (const asset of readdirSync(new URL('../../src/console/public/', import.meta.url)).filter((f) => f !== 'index.html')) {
      expect((await fetch(`${stack.url}/console/assets/${asset}`)).status, asset).toBe(200);
    }
  });

  it('streams changed / conversations / inspector frames as a user posts and the mentions bot replies', async () => {
    const { body: alice } = await api('POST', '/users', { platform: 'stream', name: 'Alice' });
    const { body: conv } = await api('POST', '/conversations', { platform: 'stream', name: 'Feed test', as: alice.id });
    expect(conv).toMatchObject({ key: 'stream:messaging:feed-test', platform: 'stream', name: 'Feed test', memberCount: 2 });

    const mentionRan = (f: { event: string; data: any }) =>
      f.event === 'inspector' && f.data.type === 'message.new' && f.data.runs?.some((r: { bot: string }) => r.bot === 'mentions');
    const feed = await openFeed(`${stack.url}/console/api/feed`, (frames) => frames.some(mentionRan));
    const { status } = await api('POST', `/conversations/${encodeURIComponent(conv.key)}/messages`, { as: alice.id, text: '@Botyard hello' });
    expect(status).toBe(201);
    const frames = await feed.frames;

    expect(frames.some((f) => f.event === 'changed' && f.data.keys.includes(conv.key))).toBe(true);
    expect(frames.some((f) => f.event === 'conversations')).toBe(true);
    const entry = frames.find(mentionRan)!.data as InspectorEntry;
    expect(entry).toMatchObject({ platform: 'stream', sender: 'Alice', conversation: conv.key, conversationName: 'Feed test', outcome: 'accepted', text: '@Botyard hello' });
    expect(entry.runs!.find((r) => r.bot === 'mentions')).toMatchObject({ bot: 'mentions', handler: expect.any(String), ms: expect.any(Number) });

    await stack.booted.runtime.idle();
    const snap = (await api('GET', `/conversations/${encodeURIComponent(conv.key)}`)).body as ConversationSnapshot;
    const mine = snap.messages.find((m) => m.text === '@Botyard hello')!;
    expect(mine.mentions.map((u) => u.id)).toEqual(['botyard']);
    expect(mine.readBy.map((u) => u.name)).toEqual(['Botyard']);
    const reply = snap.messages.find((m) => m.parentId === mine.id)!;
    expect(reply).toMatchObject({ user: { id: 'botyard', isBot: true }, mentions: [{ id: alice.id, name: 'Alice' }] });
    expect(reply.text).toMatch(/^@Alice /);
  });

  it('answers errors with the emulator status and a message', async () => {
    expect(await api('GET', '/conversations/stream%3Amessaging%3Anope')).toMatchObject({ status: 404, body: { error: expect.stringContaining('no conversation') } });
    expect(await api('POST', '/conversations/stream%3Amessaging%3Afeed-test/messages', { as: 'alice' })).toMatchObject({ status: 400, body: { error: 'text is required' } });
    expect(await api('GET', '/users?platform=teams')).toMatchObject({ status: 404 });
    expect(await api('POST', '/schedules/nope/run')).toMatchObject({ status: 404 });
    const { body: stranger } = await api('POST', '/users', { platform: 'acs', name: 'Stranger' });
    const { body: owner } = await api('POST', '/users', { platform: 'acs', name: 'Owner' });
    const { body: thread } = await api('POST', '/conversations', { platform: 'acs', name: 'Private', as: owner.id });
    // ACS refuses a post from a non-participant, as it would for a real client.
    const refused = await api('POST', `/conversations/${encodeURIComponent(thread.key)}/messages`, { as: stranger.id, text: 'hi' });
    expect(refused).toMatchObject({ status: 403, body: { error: expect.stringContaining('ACS') } });
  });

  it('lists schedules with their next run and runs one now', async () => {
    const { body: schedules } = await api('GET', '/schedules');
    const due = schedules.find((s: { id: string }) => s.id === 'reminders:weekly');
    expect(due).toMatchObject({ bot: 'reminders', cron: expect.any(String) });
    expect(Date.parse(due.nextRun)).toBeGreaterThan(Date.now() - 1000);
    expect((await api('POST', '/schedules/reminders%3Aweekly/run')).status).toBe(204);
    const { body: events } = await api('GET', '/events');
    expect(events.some((e: InspectorEntry) => e.type === 'schedule.tick' && e.runs?.[0]?.bot === 'reminders')).toBe(true);
  });

  it('stops even while a page holds the feed open', async () => {
    const other = await startDevStack({ file: FIXTURE_CONFIG, env: {}, port: 0, host: '127.0.0.1', log: createLogger({ level: 'fatal' }) });
    const abort = new AbortController();
    const res = await fetch(`${other.url}/console/api/feed`, { signal: abort.signal });
    expect(res.status).toBe(200);
    await other.stop();
    abort.abort();
  });
});
