import { afterEach, expect, test } from 'vitest';
import { createTestRuntime, type TestRuntime } from 'botyard/testing';
import hello from '../bots/hello.ts';

let t: TestRuntime | undefined;
afterEach(() => t?.stop());

test('hello answers with a mention of the sender', async () => {
  t = await createTestRuntime({ bots: [hello], config: { bots: { hello: { greeting: 'Hi' } } } });
  await t.user('ann', 'Ann').say('general', 'hello there');
  const [reply] = t.botMessages('general');
  expect(reply?.text).toBe('Hi, @Ann!');
  expect(reply?.mentions.map((m) => m.id)).toEqual(['ann']);
});
