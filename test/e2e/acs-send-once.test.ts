/**
 * ACS has no client message ids: a handler retried after it sent (it threw after sending; or its process
 * died before the event was acknowledged) must not post its messages again. Each send carries its key in
 * metadata `botyard.sendKey`, and a retried run's send looks for it first (src/adapters/acs/sent-before.ts).
 * The adapter talks to the emulator through the real @azure/communication-chat SDK.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcsAdapter } from '../../src/adapters/acs/index.ts';
import { startDevStack, type DevStack } from '../../src/cli/dev-stack.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { adapterOnEmulator } from '../adapters/acs/helpers.ts';
import { waitFor } from '../helpers/wait.ts';

describe('ACS sends of a retried run (adapter)', () => {
  const world = adapterOnEmulator();

  const room = () => {
    const { emulator, h } = world;
    const user = emulator.admin.createUser('Ursula');
    const threadId = emulator.admin.createThread(user.id, { topic: 'send once', participants: [{ id: h.adapter.botUser.id, displayName: 'Botty' }] });
    return { user, threadId, conversation: { platform: 'acs' as const, id: threadId } };
  };
  const botTexts = (threadId: string) => world.emulator.state.messages(threadId).filter((m) => m.senderId === world.h.adapter.botUser.id && m.type === 'text').map((m) => m.content);

  it('keeps the send key with the message; a repeat with the same key answers the first message and posts nothing', async () => {
    const { emulator, h } = world;
    const { threadId, conversation } = room();
    const since = Date.now() - 60_000;
    const first = await h.adapter.send(conversation, { text: 'hello', sendKey: 'k-1' });
    expect(emulator.state.messages(threadId).find((m) => m.id === first.id)?.metadata).toEqual({ 'botyard.sendKey': 'k-1' });
    const again = await h.adapter.send(conversation, { text: 'hello', sendKey: 'k-1', repeatSince: since });
    expect(again.id).toBe(first.id);
    // A key not sent yet is sent, repeat or not; a key sent without repeatSince is sent again (first tries never look).
    const other = await h.adapter.send(conversation, { text: 'other', sendKey: 'k-2', repeatSince: since });
    expect(other.id).not.toBe(first.id);
    await h.adapter.send(conversation, { text: 'hello', sendKey: 'k-1' });
    expect(botTexts(threadId)).toEqual(['hello', 'other', 'hello']);
  });

  it('counts only the bot’s own messages, and only those since repeatSince; a deleted earlier send still counts as sent', async () => {
    const { emulator, h } = world;
    const { user, threadId, conversation } = room();
    // Someone else's message carrying the key (metadata is anyone's to write) is not the bot's send.
    emulator.admin.sendMessage(threadId, user.id, 'look-alike', { metadata: { 'botyard.sendKey': 'k-3' } });
    const sent = await h.adapter.send(conversation, { text: 'mine', sendKey: 'k-3', repeatSince: Date.now() - 60_000 });
    expect(emulator.state.messages(threadId).find((m) => m.id === sent.id)?.senderId).toBe(h.adapter.botUser.id);
    // An earlier send before repeatSince is outside the window the caller vouched for: sent again.
    const later = await h.adapter.send(conversation, { text: 'mine', sendKey: 'k-3', repeatSince: Date.now() + 60_000 });
    expect(later.id).not.toBe(sent.id);
    await h.adapter.deleteMessage!(conversation, later.id);
    expect((await h.adapter.send(conversation, { text: 'mine', sendKey: 'k-3', repeatSince: Date.now() - 60_000 })).id).toBe(later.id);
  });
});

describe('ACS sends of a retried run (runtime)', () => {
  let stack: DevStack;
  beforeAll(async () => {
    stack = await startDevStack({
      env: {},
      cwd: process.cwd(),
      log: silentLogger,
      port: 0,
      platforms: ['acs'],
      config: { botsDir: path.join(import.meta.dirname, 'fixtures/send-once-bots'), queue: { backoffMs: 50 } },
    });
  });
  afterAll(() => stack?.stop());

  it('a handler that sent two messages and threw is retried, and its retry posts neither again', async () => {
    const acs = stack.acs!;
    const adapter = stack.booted.runtime.adapterFor('acs') as AcsAdapter;
    const botId = adapter.botUser.id;
    // After the poller's first cycle: what is in a thread before it is history, not news.
    await waitFor(() => adapter.pollStats !== undefined, { timeoutMs: 20_000, what: 'a first poll cycle' });
    const kim = acs.admin.createUser('Kim');
    const threadId = acs.admin.createThread(kim.id, { topic: 'flaky', participants: [{ id: botId, displayName: 'Botyard' }] });
    // Every dispatch of the flaky handler: the first fails after sending, the retry succeeds.
    const runs: Array<string | undefined> = [];
    stack.booted.runtime.events.on('dispatched', (_event, handled) => {
      for (const run of handled) if (run.bot === 'flaky') runs.push(run.error);
    });
    const asked = acs.admin.sendMessage(threadId, kim.id, 'send once please');
    const botTexts = () => acs.state.messages(threadId).filter((m) => m.senderId === botId && m.type === 'text').map((m) => m.content);
    await waitFor(() => runs.length >= 2, { timeoutMs: 30_000, what: 'the failed try and its retry' });
    expect(runs[0]).toMatch(/failed after sending/);
    expect(runs[1]).toBeUndefined();
    expect(botTexts()).toEqual(['first of two', 'second of two']);
    const reply = acs.state.messages(threadId).find((m) => m.content === 'first of two')!;
    expect(reply.metadata).toMatchObject({ 'botyard.parentId': asked, 'botyard.sendKey': expect.stringMatching(/^by-/) });
  });
});
