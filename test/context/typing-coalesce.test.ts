/**
 * ctx.typing() gives way to the message it announces (context/typing.ts): a start followed in the same
 * turn by a message to the conversation is not sent; one followed by work is sent before the message;
 * a handler that only shows typing still has it sent within its run; stops go at once.
 */
import { afterEach, expect, it } from 'vitest';
import { defineBot, type Context } from '../../src/index.ts';
import { createTestRuntime, type TestRuntime } from '../../src/testing/index.ts';

let t: TestRuntime | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(handler: (ctx: Context) => Promise<void>) {
  t = await createTestRuntime({ bots: [defineBot({ name: 'b', setup: (bot) => void bot.onMessage(handler) })] });
  await t.user('kim').say('room', 'hello');
  return { typing: t.conversation('room').typing, answers: t.botMessages('room') };
}

it('a message sent in the same turn replaces the typing start: one call, the message', async () => {
  const { typing, answers } = await run(async (ctx) => {
    await ctx.typing();
    await ctx.reply('at once');
  });
  expect(typing).toEqual([]);
  expect(answers.map((m) => m.text)).toEqual(['at once']);
});

it('typing followed by work is shown first, then the message', async () => {
  const order: string[] = [];
  const { typing, answers } = await run(async (ctx) => {
    await ctx.typing();
    await sleep(30); // a model call, a fetch
    order.push(`typing ${t!.conversation('room').typing.length}`);
    await ctx.reply('after thinking');
  });
  expect(order).toEqual(['typing 1']);
  expect(typing.map((x) => x.stop)).toEqual([false]);
  expect(answers.map((m) => m.text)).toEqual(['after thinking']);
});

it('a handler that only shows typing has it sent within its run', async () => {
  const { typing } = await run(async (ctx) => {
    await ctx.typing();
  });
  expect(typing.map((x) => x.stop)).toEqual([false]);
});

it('a message to another conversation does not replace it', async () => {
  const { typing } = await run(async (ctx) => {
    await ctx.typing();
    await ctx.sendTo('local:elsewhere', 'hi there');
  });
  expect(typing.map((x) => x.stop)).toEqual([false]);
});

it('a stop goes at once and drops a start still waiting', async () => {
  const { typing } = await run(async (ctx) => {
    await ctx.typing();
    await ctx.typing({ stop: true });
  });
  expect(typing.map((x) => x.stop)).toEqual([true]);
});

it('a platform failure of a deferred start is logged, not thrown into the handler', async () => {
  let reached = false;
  t = await createTestRuntime({
    bots: [defineBot({ name: 'b', setup: (bot) => void bot.onMessage(async (ctx) => {
      await ctx.typing();
      await sleep(20);
      reached = true;
    }) })],
  });
  const local = t.runtime.adapterFor('local')!;
  local.typing = async () => {
    throw new Error('typing refused');
  };
  await t.user('kim').say('room', 'hello');
  expect(reached).toBe(true);
  expect(t.runs.filter((r) => r.error)).toEqual([]);
});

it('a start already on its way when the message comes lands first, as when it was awaited', async () => {
  const order: string[] = [];
  t = await createTestRuntime({
    bots: [defineBot({ name: 'b', setup: (bot) => void bot.onMessage(async (ctx) => {
      await ctx.typing();
      await new Promise((r) => setImmediate(r)); // the start leaves here
      await ctx.reply('right after');
    }) })],
  });
  const local = t.runtime.adapterFor('local')!;
  const [typing, send] = [local.typing!.bind(local), local.send.bind(local)];
  local.typing = async (c, o) => {
    await sleep(30); // a slow platform
    await typing(c, o);
    order.push('typing');
  };
  local.send = async (c, m) => {
    order.push('send');
    return send(c, m);
  };
  await t.user('kim').say('room', 'hello');
  expect(order).toEqual(['typing', 'send']);
});
