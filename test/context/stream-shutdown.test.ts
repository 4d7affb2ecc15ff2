/**
 * Stopping the runtime ends every streamed reply still being written: the source is abandoned, the
 * message keeps the text written so far, the AI indicator is cleared, and `ctx.stream()` resolves with
 * outcome `aborted`, all before the stop resolves (it waits for in-flight handlers within its bound).
 * Through the real stream-chat SDK: a user posts, the emulator's webhook reaches the runtime.
 */
import { afterEach, expect, it } from 'vitest';
import type { StreamedMessage } from '../../src/context/stream-reply.ts';
import { defineBot } from '../../src/index.ts';
import { startStreamStack, type StreamStack } from '../helpers/stream-stack.ts';
import { waitFor } from '../helpers/wait.ts';

type Loose = any;
let stack: StreamStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

it('a stream under way when the runtime stops keeps its text, clears the indicator and ends aborted', async () => {
  const results: StreamedMessage[] = [];
  const writer = defineBot({
    name: 'writer',
    setup: (b) =>
      void b.hear(/^write$/, async (ctx) => {
        // A model that wrote a little and then hangs: only an abort ends this reply.
        async function* model() {
          yield 'partial answer';
          await new Promise(() => undefined);
        }
        results.push(await ctx.stream(model()));
      }),
  });
  stack = await startStreamStack({ bots: [writer], config: { handlerTimeoutMs: 60_000, streaming: { updateIntervalMs: 50 } } });
  const { client, emu, runtime } = stack;
  await client.upsertUsers([{ id: 'kim' }]);
  const ch = client.channel('messaging', 'shutdown', { created_by_id: 'kim', members: ['kim', 'botyard'] } as Loose);
  await ch.create();
  const placeholder = emu.waitForEvent((e) => e.type === 'message.new' && e.cid === ch.cid && (e as Loose).message.ai_generated === true, 10_000);
  await ch.sendMessage({ text: 'write', user_id: 'kim' } as Loose);
  const messageId = ((await placeholder) as Loose).message.id as string;
  await waitFor(() => emu.ai.revisions(messageId).some((r) => r.text === 'partial answer'), { what: 'the partial update' });
  expect(emu.ai.indicator(ch.cid)).toMatchObject({ state: 'AI_STATE_GENERATING' });

  const started = Date.now();
  await runtime.stop(5000);
  console.log(`[stream shutdown] runtime stopped ${Date.now() - started} ms after the stop began`);
  expect(results).toEqual([expect.objectContaining({ id: messageId, outcome: 'aborted', text: 'partial answer' })]);
  expect(emu.state.message(messageId)).toMatchObject({ text: 'partial answer' });
  expect(emu.ai.indicator(ch.cid)).toBeUndefined();
  expect(emu.ai.indicatorEvents(ch.cid).at(-1)).toMatchObject({ type: 'ai_indicator.clear', messageId });
}, 60_000);
