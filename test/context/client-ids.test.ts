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
