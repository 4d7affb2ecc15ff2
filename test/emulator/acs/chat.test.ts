import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient } from '@azure/communication-chat';
import { startAcsEmulator, type AcsEmulator } from '../../../src/emulator/acs/index.ts';
import { chatClient, ident, sdkUser } from './helpers.ts';

let emulator: AcsEmulator;
let alice: Awaited<ReturnType<typeof sdkUser>>;
let bob: Awaited<ReturnType<typeof sdkUser>>;
beforeAll(async () => {
  emulator = await startAcsEmulator();
  alice = await sdkUser(emulator, 'Alice');
  bob = await sdkUser(emulator, 'Bob');
});
afterAll(() => emulator.close());

async function newThread(client: ChatClient, topic: string, others: string[] = []) {
  const result = await client.createChatThread({ topic }, { participants: others.map((id) => ({ id: ident(id) })) });
  return result.chatThread!.id;
}

describe('ACS emulator: the chat quickstart through @azure/communication-chat', () => {
  it('creates a thread once per repeatability id, gets it, and deletes it', async () => {
    const idempotencyToken = crypto.randomUUID();
    const options = { participants: [{ id: ident(alice.id), displayName: 'Alice' }, { id: ident(bob.id), displayName: 'Bob' }], idempotencyToken };
    const first = await alice.chat.createChatThread({ topic: 'Lunch' }, options);
    const again = await alice.chat.createChatThread({ topic: 'Lunch' }, options);
    expect(first.chatThread?.id).toMatch(/^19:.+@thread\.v2$/);
    expect(again.chatThread?.id).toBe(first.chatThread?.id);
    expect(emulator.state.threads().filter((t) => t.topic === 'Lunch')).toHaveLength(1);

    const thread = alice.chat.getChatThreadClient(first.chatThread!.id);
    const props = await thread.getProperties();
    expect(props.topic).toBe('Lunch');
    expect(props.createdBy).toEqual({ kind: 'communicationUser', communicationUserId: alice.id });

    // Creation posts participantAdded (seq 1) then topicUpdated (seq 2), as the real service does.
    const system = emulator.state.messages(first.chatThread!.id);
    expect(system.map((m) => [m.type, m.sequenceId])).toEqual([['participantAdded', 1], ['topicUpdated', 2]]);

    await alice.chat.deleteChatThread(first.chatThread!.id);
    await expect(thread.getProperties()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('reports unknown users as invalidParticipants and still creates the thread', async () => {
    const ghost = '8:acs:00000000-0000-0000-0000-000000000000_nobody';
    const result = await alice.chat.createChatThread({ topic: 'with a ghost' }, { participants: [{ id: ident(ghost) }, { id: ident(bob.id) }] });
    expect(result.invalidParticipants).toEqual([expect.objectContaining({ code: '404', target: ghost })]);
    expect(emulator.state.participants(result.chatThread!.id).map((p) => p.id).sort()).toEqual([alice.id, bob.id].sort());
  });

  it('lists threads page by page and filters them by startTime', async () => {
    const carol = await sdkUser(emulator, 'Carol');
    const ids = [];
    for (const topic of ['one', 'two', 'three']) ids.push(await newThread(carol.chat, topic));
    const pages = [];
    for await (const page of carol.chat.listChatThreads({ maxPageSize: 2 }).byPage()) pages.push(page.map((t) => t.id));
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    expect(pages.flat().sort()).toEqual([...ids].sort());
    const all = [];
    for await (const t of carol.chat.listChatThreads()) all.push(t);
    expect(all.every((t) => t.lastMessageReceivedOn instanceof Date)).toBe(true);

    await new Promise((r) => setTimeout(r, 20));
    const cut = new Date();
    await carol.chat.getChatThreadClient(ids[0]!).sendMessage({ content: 'bump' });
    const recent = [];
    for await (const t of carol.chat.listChatThreads({ startTime: cut })) recent.push(t.id);
    expect(recent).toEqual([ids[0]]);
  });

  it('sends text and html messages with a display name and metadata, gets, lists by page, updates and deletes', async () => {
    const threadId = await newThread(alice.chat, 'messages', [bob.id]);
    const thread = alice.chat.getChatThreadClient(threadId);
    await new Promise((r) => setTimeout(r, 20)); // startTime is inclusive: leave the system messages behind
    const start = new Date();
    const text = await thread.sendMessage({ content: 'hello' }, { senderDisplayName: 'Alice' });
    const html = await thread.sendMessage({ content: '<b>hi</b>' }, { senderDisplayName: 'Alice', type: 'html', metadata: { a: '1' } });
    const third = await thread.sendMessage({ content: 'third' });

    const got = await thread.getMessage(html.id);
    expect(got).toMatchObject({ id: html.id, type: 'html', senderDisplayName: 'Alice', metadata: { a: '1' }, content: { message: '<b>hi</b>' } });
    expect(got.sender).toEqual({ kind: 'communicationUser', communicationUserId: alice.id });
    expect(got.version).toBe(html.id);

    const pages: string[][] = [];
    for await (const page of bob.chat.getChatThreadClient(threadId).listMessages({ startTime: start, maxPageSize: 1 }).byPage()) {
      pages.push(page.map((m) => m.id));
    }
    expect(pages).toEqual([[third.id], [html.id], [text.id]]);

    await thread.updateMessage(text.id, { content: 'hello edited', metadata: { e: '1' } });
    const edited = await thread.getMessage(text.id);
    expect(edited.content?.message).toBe('hello edited');
    expect(edited.editedOn).toBeInstanceOf(Date);
    expect(edited.version).not.toBe(text.id);
    // Only the sender may edit.
    await expect(bob.chat.getChatThreadClient(threadId).updateMessage(text.id, { content: 'no' })).rejects.toMatchObject({ statusCode: 403 });

    await thread.deleteMessage(third.id);
    expect((await thread.getMessage(third.id)).deletedOn).toBeInstanceOf(Date);
  });

  it('updates the topic, which posts a topicUpdated system message', async () => {
    const threadId = await newThread(alice.chat, 'old topic', [bob.id]);
    const thread = alice.chat.getChatThreadClient(threadId);
    await thread.updateTopic('new topic');
    expect((await thread.getProperties()).topic).toBe('new topic');
    const newest = (await thread.listMessages({ maxPageSize: 1 }).byPage().next()).value[0];
    expect(newest).toMatchObject({ type: 'topicUpdated', content: { topic: 'new topic', initiator: { communicationUserId: alice.id } } });
  });

  it('sends and lists read receipts with paging and skip, and sends typing', async () => {
    const threadId = await newThread(alice.chat, 'receipts', [bob.id]);
    const aliceThread = alice.chat.getChatThreadClient(threadId);
    const bobThread = bob.chat.getChatThreadClient(threadId);
    const { id } = await aliceThread.sendMessage({ content: 'read me' });
    await aliceThread.sendReadReceipt({ chatMessageId: id });
    await bobThread.sendReadReceipt({ chatMessageId: id });
    const pages = [];
    for await (const page of aliceThread.listReadReceipts({ maxPageSize: 1 }).byPage()) pages.push(page);
    expect(pages).toHaveLength(2);
    expect(pages.flat().map((r) => r.sender)).toEqual([
      { kind: 'communicationUser', communicationUserId: alice.id },
      { kind: 'communicationUser', communicationUserId: bob.id },
    ]);
    const skipped = [];
    for await (const r of aliceThread.listReadReceipts({ skip: 1 })) skipped.push(r);
    expect(skipped.map((r) => r.chatMessageId)).toEqual([id]);
    expect(skipped[0]!.sender).toEqual({ kind: 'communicationUser', communicationUserId: bob.id });

    expect(await bobThread.sendTypingNotification({ senderDisplayName: 'Bob' })).toBe(true);
    expect(emulator.state.typing(threadId)).toEqual([expect.objectContaining({ userId: bob.id, displayName: 'Bob' })]);
  });

  it('adds one participant, then several, lists them by page, and removes one (each a system message)', async () => {
    const threadId = await newThread(alice.chat, 'people');
    const thread = alice.chat.getChatThreadClient(threadId);
    const [dan, eve, fay] = await Promise.all(['Dan', 'Eve', 'Fay'].map((n) => sdkUser(emulator, n)));
    expect(await thread.addParticipants({ participants: [{ id: ident(dan!.id), displayName: 'Dan' }] })).toEqual({});
    const ghost = '8:acs:00000000-0000-0000-0000-000000000000_ghost';
    const several = await thread.addParticipants({ participants: [{ id: ident(eve!.id) }, { id: ident(fay!.id) }, { id: ident(ghost) }] });
    expect(several.invalidParticipants).toEqual([expect.objectContaining({ code: '404', target: ghost })]);
    const pages = [];
    for await (const page of thread.listParticipants({ maxPageSize: 2 }).byPage()) pages.push(page.map((p) => (p.id as { communicationUserId: string }).communicationUserId));
    expect(pages.map((p) => p.length)).toEqual([2, 2]);
    expect(pages.flat().sort()).toEqual([alice.id, dan!.id, eve!.id, fay!.id].sort());

    await thread.removeParticipant(ident(eve!.id));
    expect(emulator.state.participants(threadId).map((p) => p.id)).not.toContain(eve!.id);
    // Eve is no member any more: 403.
    await expect(eve!.chat.getChatThreadClient(threadId).getProperties()).rejects.toMatchObject({ statusCode: 403 });
    const types = emulator.state.messages(threadId).map((m) => m.type);
    expect(types).toEqual(['participantAdded', 'topicUpdated', 'participantAdded', 'participantAdded', 'participantRemoved']);
  });

  it('refuses an expired token with 401 and a non-member with 403', async () => {
    const short = emulator.admin.createUser('Short', { tokenLifetimeMs: 300 });
    const threadId = await newThread(alice.chat, 'private');
    const outsider = chatClient(emulator, emulator.admin.issueToken(short.id).token);
    await expect(outsider.getChatThreadClient(threadId).getProperties()).rejects.toMatchObject({ statusCode: 403, code: 'Forbidden' });
    await new Promise((r) => setTimeout(r, 350));
    const expired = chatClient(emulator, short.token);
    // The SDK hands out a static token even after expiry; the emulator answers 401.
    await expect(expired.listChatThreads().byPage().next()).rejects.toMatchObject({ statusCode: 401 });
  });

  it('answers a chosen 429 with Retry-After, which the SDK waits out and retries', async () => {
    const threadId = await newThread(alice.chat, 'throttled');
    emulator.faults.throttle('messages.send', { count: 1, retryAfterSeconds: 1 });
    const before = emulator.counters()['messages.send'] ?? 0;
    const t0 = Date.now();
    await alice.chat.getChatThreadClient(threadId).sendMessage({ content: 'eventually' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect((emulator.counters()['messages.send'] ?? 0) - before).toBe(2);
    expect(emulator.state.messages(threadId).filter((m) => m.content === 'eventually')).toHaveLength(1);
  });

  it('enforces the documented per-thread limits when asked (scaled down)', async () => {
    const threadId = await newThread(alice.chat, 'limits');
    emulator.faults.limits.enabled = true;
    emulator.faults.limits.scale = 0.2; // typing: 1 per user per thread per 10 s
    try {
      const thread = alice.chat.getChatThreadClient(threadId);
      const { id } = await thread.sendMessage({ content: 'x' });
      await thread.sendReadReceipt({ chatMessageId: id });
      await thread.sendReadReceipt({ chatMessageId: id });
      // send read receipt: 10 per 10 s × 0.2 = 2; the third answers 429 (the SDK would wait 10 s, so no retries here).
      const noRetry = chatClient(emulator, alice.token);
      const fired = emulator.faults.fired;
      await expect(
        noRetry.getChatThreadClient(threadId).sendReadReceipt({ chatMessageId: id }, { abortSignal: AbortSignal.timeout(500) }),
      ).rejects.toBeDefined();
      expect(emulator.faults.fired).toBeGreaterThan(fired);
    } finally {
      emulator.faults.limits.enabled = false;
      emulator.faults.clear();
    }
  });
});
