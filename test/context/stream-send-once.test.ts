/**
 * ctx.stream where the platform has no AI indicator (ACS): typing at the start and every 8 s while the
 * source runs, then exactly one message; no placeholder and no edits. Driven with fake timers.
 */
import { afterEach, expect, it, vi } from 'vitest';
import type { Adapter, Capability, ConversationRef, OutgoingMessage } from '../../src/adapters/adapter.ts';
import { Context } from '../../src/context/context.ts';
import { createOutbound } from '../../src/outbound/outbound.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { createMemoryStore } from '../../src/state/memory.ts';

afterEach(() => {
  vi.useRealTimers();
});

function fakeAdapter(calls: string[], sent: OutgoingMessage[]): Adapter {
  return {
    platform: 'local',
    botUser: { id: 'bot', isBot: true },
    capabilities: new Set<Capability>(['typing', 'edit']),
    client: undefined,
    start: async () => undefined,
    stop: async () => undefined,
    async send(conversation: ConversationRef, message: OutgoingMessage) {
      calls.push('send');
      sent.push(message);
      return { id: 'm1', conversation };
    },
    async editMessage() {
      calls.push('edit');
    },
    async typing() {
      calls.push('typing');
    },
  };
}

it('typing every 8 s while the source runs, then one message with the whole text', async () => {
  vi.useFakeTimers();
  const calls: string[] = [];
  const sent: OutgoingMessage[] = [];
  const adapter = fakeAdapter(calls, sent);
  const conversation: ConversationRef = { platform: 'local', id: 'room' };
  const ctx = new Context({
    event: { id: 'e1', type: 'message.new', platform: 'local', conversation, sender: { id: 'kim' }, occurredAt: new Date().toISOString(), raw: {}, message: { id: 'q1', text: 'hi', user: { id: 'kim' }, attachments: [], mentions: [], data: {} } },
    bot: 'b',
    conversation,
    adapterFor: () => adapter,
    outbound: createOutbound(),
    store: createMemoryStore(),
    log: silentLogger,
    config: {},
  });
  let finish!: () => void;
  const gate = new Promise<void>((resolve) => (finish = resolve));
  async function* slow() {
    yield 'Hello';
    await gate;
    yield ' world';
  }
  const done = ctx.stream(slow());
  await vi.advanceTimersByTimeAsync(20_000);
  expect(calls).toEqual(['typing', 'typing', 'typing']);
  finish();
  const result = await done;
  await vi.advanceTimersByTimeAsync(20_000);
  expect(calls).toEqual(['typing', 'typing', 'typing', 'send']);
  expect(sent).toEqual([{ text: 'Hello world', parentId: 'q1', sendKey: expect.stringMatching(/^by-/), data: { ai_generated: true } }]);
  expect(result).toMatchObject({ id: 'm1', text: 'Hello world', outcome: 'complete', partialUpdates: 0 });
});
