/**
 * ctx.stream() on the local platform (the test kit): indicator states, the message growing through
 * paced partial updates, a user's stop, a failing source, ctx.signal, and retries reusing one message.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineBot } from '../../src/index.ts';
import type { StreamedMessage } from '../../src/context/stream-reply.ts';
import { createTestRuntime, type TestRuntime } from '../../src/testing/index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Yields `words` one at a time, `ms` apart. */
async function* words(list: string[], ms = 5): AsyncGenerator<string> {
  for (const [i, w] of list.entries()) {
    await sleep(ms);
    yield i === 0 ? w : ` ${w}`;
  }
}

/** A ReadableStream<string> of `chunks`. */
function readable(chunks: string[]): ReadableStream<string> {
  return new ReadableStream<string>({
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
}

const TEXT = 'one two three four five six seven eight nine ten eleven twelve'.split(' ');
let t: TestRuntime | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

function streamingBot(make: (signal: AbortSignal) => AsyncIterable<string>, results: StreamedMessage[], name = 'streamer') {
  return defineBot({
    name,
    setup(bot) {
      bot.onMention(async (ctx) => {
        results.push(await ctx.stream((signal) => make(signal)));
      });
    },
  });
}

describe('ctx.stream on the local platform', () => {
  it('THINKING → GENERATING → clear; the threaded ai_generated message grows over several updates to the full text', async () => {
    const results: StreamedMessage[] = [];
    t = await createTestRuntime({ bots: [streamingBot(() => words(TEXT, 15), results)], config: { streaming: { updateIntervalMs: 50 } } });
    const question = await t.user('ann', 'Ann').say('general', '@Botyard count for me');

    expect(t.indicators('general')).toEqual(['AI_STATE_THINKING', 'AI_STATE_GENERATING', 'clear']);
    const [reply] = t.botMessages('general');
    expect(reply).toMatchObject({ text: TEXT.join(' '), parentId: question.id, data: { ai_generated: true } });
    const revisions = t.revisions('general', reply!.id);
    expect(revisions[0]).toBe('');
    expect(revisions.at(-1)).toBe(TEXT.join(' '));
    // Partial updates: strictly growing prefixes of the final text, at least three of them.
    const partial = revisions.slice(1, -1);
    expect(partial.length).toBeGreaterThanOrEqual(3);
    partial.forEach((text, i) => {
      expect(TEXT.join(' ').startsWith(text)).toBe(true);
      if (i > 0) expect(text.length).toBeGreaterThan(partial[i - 1]!.length);
    });
    expect(results[0]).toMatchObject({ id: reply!.id, outcome: 'complete', text: TEXT.join(' ') });
    expect(results[0]!.partialUpdates).toBe(partial.length);
    expect(t.streams.filter((s) => s.phase === 'update').length).toBe(partial.length);
  });

  it("a user's stop aborts the source (its signal), keeps what was written and clears the indicator", async () => {
    const results: StreamedMessage[] = [];
    let abortedAt: number | undefined;
    async function* endless(signal: AbortSignal) {
      signal.addEventListener('abort', () => (abortedAt = Date.now()));
      for (let i = 0; ; i++) {
        await sleep(10);
        yield `w${i} `;
      }
    }
    t = await createTestRuntime({ bots: [streamingBot(endless, results)], config: { streaming: { updateIntervalMs: 50 } } });
    const ann = t.user('ann', 'Ann');
    const asking = ann.say('general', '@Botyard go on forever');
    await vi.waitFor(() => expect(t!.streams.some((s) => s.phase === 'update')).toBe(true), { timeout: 10_000 });
    const stoppedAt = Date.now();
    await ann.stop('general');
    await asking;

    expect(abortedAt).toBeDefined();
    expect(abortedAt! - stoppedAt).toBeLessThan(50 + 1000);
    const [result] = results;
    expect(result?.outcome).toBe('stopped');
    expect(result?.text).toMatch(/^(w\d+ )+$/);
    expect(t.botMessages('general')[0]?.text).toBe(result?.text);
    expect(t.indicators('general')).toEqual(['AI_STATE_THINKING', 'AI_STATE_GENERATING', 'stop', 'clear']);
    expect(t.runs.filter((r) => r.error)).toEqual([]);
  });

  it('a source that throws ends with AI_STATE_ERROR and a note; the handler does not fail and other bots answer', async () => {
    const results: StreamedMessage[] = [];
    async function* failing() {
      yield 'Half an';
      await sleep(5);
      throw new Error('model went away');
    }
    const other = defineBot({ name: 'other', setup: (bot) => void bot.onMention((ctx) => ctx.send('other bot here')) });
    t = await createTestRuntime({ bots: [streamingBot(failing, results), other] });
    await t.user('ann', 'Ann').say('general', '@Botyard please');

    expect(t.indicators('general')).toEqual(['AI_STATE_THINKING', 'AI_STATE_GENERATING', 'AI_STATE_ERROR']);
    expect(results[0]?.outcome).toBe('error');
    expect((results[0]?.error as Error).message).toBe('model went away');
    const texts = t.botMessages('general').map((m) => m.text);
    expect(texts).toContain('Half an\n\n⚠️ Something went wrong while writing this answer.');
    expect(texts).toContain('other bot here');
    expect(t.runs.filter((r) => r.error)).toEqual([]);
  });

  it('ctx.signal (the handler timeout) aborts the stream too: text kept, indicator cleared', async () => {
    const results: StreamedMessage[] = [];
    async function* endless() {
      for (let i = 0; ; i++) {
        await sleep(10);
        yield `x${i} `;
      }
    }
    t = await createTestRuntime({ bots: [streamingBot(endless, results)], config: { handlerTimeoutMs: 300, streaming: { updateIntervalMs: 50 } } });
    await t.user('ann', 'Ann').say('general', '@Botyard forever');
    await vi.waitFor(() => expect(results).toHaveLength(1), { timeout: 10_000 });
    expect(results[0]?.outcome).toBe('aborted');
    expect(results[0]?.text).toMatch(/^(x\d+ )+$/);
    await vi.waitFor(() => expect(t!.indicators('general').at(-1)).toBe('clear'));
    expect(t.runs[0]?.error).toMatch(/timed out|timeout/i);
  });

  it('a retried event streams into the same message (deterministic id): one reply', async () => {
    let attempt = 0;
    const flaky = defineBot({
      name: 'flaky',
      setup(bot) {
        bot.onMention(async (ctx) => {
          attempt++;
          await ctx.stream(words([`attempt ${attempt}`]));
          if (attempt === 1) throw new Error('crash after streaming');
        });
      },
    });
    t = await createTestRuntime({ bots: [flaky], maxAttempts: 2 });
    await t.user('ann', 'Ann').say('general', '@Botyard hi');
    expect(attempt).toBe(2);
    expect(t.botMessages('general').map((m) => m.text)).toEqual(['attempt 2']);
  });

  it('a source of the wrong shape is refused before anything is posted', async () => {
    const errors: unknown[] = [];
    const wrong = defineBot({
      name: 'wrong',
      setup: (bot) => void bot.onMention((ctx) => ctx.stream(42 as never).catch((e: unknown) => void errors.push(e))),
    });
    t = await createTestRuntime({ bots: [wrong] });
    await t.user('ann', 'Ann').say('general', '@Botyard hi');
    expect(String(errors[0])).toMatch(/AsyncIterable<string>, a ReadableStream<string>/);
    expect(t.botMessages('general')).toEqual([]);
    expect(t.indicators('general')).toEqual([]);
  });

  it('accepts a ReadableStream and an object with a textStream', async () => {
    const kinds = defineBot({
      name: 'kinds',
      setup(bot) {
        bot.hear(/^readable$/, (ctx) => ctx.stream(readable(['from', ' a', ' stream'])));
        bot.hear(/^textStream$/, (ctx) => ctx.stream({ textStream: words(['like', 'streamText']) }));
      },
    });
    t = await createTestRuntime({ bots: [kinds] });
    await t.user('ann').say('general', 'readable');
    await t.user('ann').say('general', 'textStream');
    expect(t.botMessages('general').map((m) => m.text)).toEqual(['from a stream', 'like streamText']);
  });
});
