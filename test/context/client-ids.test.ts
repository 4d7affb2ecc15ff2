/** Deterministic client message ids: a retry reuses them, but two handlers of one bot never share them. */
import { afterEach, expect, it } from 'vitest';
import { defineBot } from '../../src/index.ts';
import { createTestRuntime, type TestRuntime } from '../../src/testing/index.ts';

let t: TestRuntime | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

it('two handlers of one bot answering the same event both post (their ids differ)', async () => {
  const twice = defineBot({
    name: 'twice',
    setup(bot) {
      bot.onMention((ctx) => ctx.send('first handler').then(() => undefined));
      bot.onMention((ctx) => ctx.send('second handler').then(() => undefined));
    },
  });
  t = await createTestRuntime({ bots: [twice] });
  await t.user('kim').say('general', '@Botyard hi');
  expect(t.botMessages('general').map((m) => m.text).sort()).toEqual(['first handler', 'second handler']);
});

it('without client ids (playing ACS) a retried run finds its earlier send by key instead of posting again', async () => {
  let runs = 0;
  const flaky = defineBot({
    name: 'flaky',
    setup(bot) {
      bot.onMention(async (ctx) => {
        runs++;
        await ctx.send('answer');
        await ctx.send('second part');
        if (runs === 1) throw new Error('fails after sending');
      });
    },
  });
  t = await createTestRuntime({ bots: [flaky], maxAttempts: 2 });
  (t.runtime.adapterFor('local')!.capabilities as Set<string>).delete('clientMessageId');
  await t.user('kim').say('general', '@Botyard hi');
  expect(runs).toBe(2);
  expect(t.botMessages('general').map((m) => m.text)).toEqual(['answer', 'second part']);
  // A new event's run sends afresh: the keys belong to the run.
  await t.user('kim').say('general', '@Botyard again');
  expect(t.botMessages('general').map((m) => m.text)).toEqual(['answer', 'second part', 'answer', 'second part']);
});
