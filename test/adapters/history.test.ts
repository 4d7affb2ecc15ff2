/**
 * `history` on every adapter, through the real SDKs against the emulators (and the local platform):
 * the newest messages oldest first, deleted ones left out, paging back with `before`, a thread as its
 * parent and replies. ACS has no threads, so there replies also belong to the conversation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { StreamChat } from 'stream-chat';
import type { Adapter, ConversationRef, Message } from '../../src/adapters/adapter.ts';
import { createLocalAdapter } from '../../src/adapters/local/local-adapter.ts';
import { createStreamAdapter } from '../../src/adapters/stream/index.ts';
import { startAcsEmulator, type AcsEmulator } from '../../src/emulator/acs/index.ts';
import { startStreamEmulator, type StreamEmulator } from '../../src/emulator/stream/index.ts';
import { createMemoryStore } from '../../src/state/memory.ts';
import { startAdapter } from './acs/helpers.ts';

type Loose = any;

/** One platform: an adapter, a conversation, and a way to post as a user (optionally in a thread) and delete. */
interface Platform {
  adapter: Adapter;
  conversation: ConversationRef;
  /** Replies show in the conversation's history too (ACS: no threads). */
  repliesInConversation: boolean;
  say(text: string, parentId?: string): Promise<string>;
  remove(id: string): Promise<void>;
  close(): Promise<void>;
}

async function streamPlatform(): Promise<Platform> {
  const emu: StreamEmulator = await startStreamEmulator();
  const server = new StreamChat(emu.apiKey, emu.apiSecret, { baseURL: emu.url, disableCache: true });
  const adapter = createStreamAdapter({ apiKey: emu.apiKey, apiSecret: emu.apiSecret, baseUrl: emu.url, bot: { id: 'bot', name: 'Bot' } });
  await adapter.start({ sink: async () => 'accepted', store: createMemoryStore(), log: pino({ level: 'silent' }) });
  await server.upsertUsers([{ id: 'kim', name: 'Kim' }]);
  const channel = server.channel('messaging', 'history', { created_by_id: 'kim', members: ['kim', 'bot'] } as Loose);
  await channel.create();
  return {
    adapter,
    conversation: { platform: 'stream', id: 'messaging:history' },
    repliesInConversation: false,
    say: async (text, parentId) => (await channel.sendMessage({ text, user_id: 'kim', ...(parentId ? { parent_id: parentId } : {}) } as Loose)).message.id,
    remove: async (id) => void (await server.deleteMessage(id)),
    close: async () => {
      await adapter.stop();
      await emu.close();
    },
  };
}

async function acsPlatform(): Promise<Platform> {
  const emu: AcsEmulator = await startAcsEmulator();
  const { adapter } = await startAdapter(emu);
  const kim = emu.admin.createUser('Kim');
  const threadId = emu.admin.createThread(kim.id, { topic: 'history', participants: [{ id: adapter.botUser.id, displayName: 'Botty' }] });
  return {
    adapter,
    conversation: { platform: 'acs', id: threadId },
    repliesInConversation: true,
    say: async (text, parentId) => emu.admin.sendMessage(threadId, kim.id, text, { senderDisplayName: 'Kim', ...(parentId ? { metadata: { 'botyard.parentId': parentId } } : {}) }),
    remove: async (id) => emu.admin.deleteMessage(threadId, id),
    close: async () => {
      await adapter.stop();
      await emu.close();
    },
  };
}

async function localPlatform(): Promise<Platform> {
  const adapter = createLocalAdapter({ bot: { id: 'bot', name: 'Bot' } });
  await adapter.start({ sink: async () => 'accepted', store: createMemoryStore(), log: pino({ level: 'silent' }) });
  return {
    adapter,
    conversation: { platform: 'local', id: 'history' },
    repliesInConversation: false,
    say: async (text, parentId) => (await adapter.act.say('kim', 'history', text, parentId ? { parentId } : {})).id,
    remove: (id) => adapter.act.delete('kim', 'history', id),
    close: () => adapter.stop(),
  };
}

const texts = (messages: Message[]) => messages.map((m) => m.text);

describe.each([
  ['stream', streamPlatform],
  ['acs', acsPlatform],
  ['local', localPlatform],
])('history on %s', (_name, start) => {
  let p: Platform;
  let question = '';
  let fourId = '';
  const read = (query: { limit: number; thread?: string; before?: string }) => p.adapter.history!(p.conversation, query);

  beforeAll(async () => {
    p = await start();
    await p.say('one');
    question = await p.say('question');
    await p.adapter.send(p.conversation, { text: 'answer 1', parentId: question });
    await p.say('answer 2', question);
    await p.say('two');
    await p.remove(await p.say('deleted'));
    await p.adapter.send(p.conversation, { text: 'three' });
    fourId = await p.say('four');
  });
  afterAll(() => p?.close());

  it('lists the newest messages oldest first, deleted ones left out', async () => {
    expect(p.adapter.capabilities.has('history')).toBe(true);
    const last = await read({ limit: 3 });
    expect(texts(last)).toEqual(['two', 'three', 'four']);
    expect(last[1]?.user).toMatchObject({ isBot: true });
    expect(last[2]).toMatchObject({ id: fourId, user: { id: expect.any(String) }, text: 'four' });
    const all = await read({ limit: 50 });
    expect(texts(all)).toEqual(p.repliesInConversation ? ['one', 'question', 'answer 1', 'answer 2', 'two', 'three', 'four'] : ['one', 'question', 'two', 'three', 'four']);
  });

  it('pages back with before', async () => {
    const page = await read({ limit: 2, before: fourId });
    expect(texts(page)).toEqual(['two', 'three']);
    const older = await read({ limit: 2, before: page[0]!.id });
    expect(texts(older)).toEqual(p.repliesInConversation ? ['answer 1', 'answer 2'] : ['one', 'question']);
  });

  it('reads a thread: the parent, then its replies', async () => {
    const thread = await read({ limit: 10, thread: question });
    expect(texts(thread)).toEqual(['question', 'answer 1', 'answer 2']);
    expect(thread[2]?.parentId).toBe(question);
    expect(texts(await read({ limit: 2, thread: question }))).toEqual(['answer 1', 'answer 2']);
  });
});
