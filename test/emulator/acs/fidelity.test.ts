/**
 * Issue 15's ACS mismatches, each checked through the real @azure/communication-* SDKs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAcsEmulator, type AcsEmulator } from '../../../src/emulator/acs/index.ts';
import { identityClient, ident, sdkUser } from './helpers.ts';

let emulator: AcsEmulator;
let alice: Awaited<ReturnType<typeof sdkUser>>;
let bob: Awaited<ReturnType<typeof sdkUser>>;
/** The emulator's clock: real time unless a test pins it. */
let pinned: number | undefined;
beforeAll(async () => {
  emulator = await startAcsEmulator({ now: () => pinned ?? Date.now() });
  alice = await sdkUser(emulator, 'Alice');
  bob = await sdkUser(emulator, 'Bob');
});
afterEach(() => {
  pinned = undefined;
  emulator.settings.lastMessageReceivedOnPrecision = undefined;
});
afterAll(() => emulator.close());

async function texts(list: AsyncIterable<{ type: string; content?: { message?: string } }>) {
  const out: string[] = [];
  for await (const m of list) if (m.type === 'text') out.push(m.content!.message!);
  return out.reverse();
}

describe('shareHistoryTime limits the history a participant reads (item 1)', () => {
  it('a participant added with shareHistoryTime = now sees only what follows; one added without it sees everything', async () => {
    const carol = await sdkUser(emulator, 'Carol');
    const created = await alice.chat.createChatThread({ topic: 'history' });
    const thread = alice.chat.getChatThreadClient(created.chatThread!.id);
    const old = await thread.sendMessage({ content: 'before' });
    const now = Date.now() + 1;
    pinned = now;
    await thread.addParticipants({ participants: [{ id: ident(bob.id), shareHistoryTime: new Date(now) }, { id: ident(carol.id) }] });
    pinned = now + 1000;
    await thread.sendMessage({ content: 'after' });

    expect(await texts(bob.chat.getChatThreadClient(created.chatThread!.id).listMessages())).toEqual(['after']);
    expect(await texts(carol.chat.getChatThreadClient(created.chatThread!.id).listMessages())).toEqual(['before', 'after']);
    await expect(bob.chat.getChatThreadClient(created.chatThread!.id).getMessage(old.id)).rejects.toMatchObject({ statusCode: 404 });
    const listed = [];
    for await (const p of thread.listParticipants()) listed.push(p);
    expect(listed.find((p) => (p.id as { communicationUserId: string }).communicationUserId === bob.id)?.shareHistoryTime?.getTime()).toBe(Math.floor(now / 1000) * 1000);
  });
});

describe('listChatThreads lists deleted threads with deletedOn (item 3)', () => {
  it('a deleted thread stays in the listing, marked, and a startTime after its last message still shows the deletion', async () => {
    const created = await alice.chat.createChatThread({ topic: 'doomed' }, { participants: [{ id: ident(bob.id) }] });
    const id = created.chatThread!.id;
    await alice.chat.getChatThreadClient(id).sendMessage({ content: 'last words' });
    const beforeDelete = new Date(Date.now() + 1);
    pinned = beforeDelete.getTime() + 1000;
    await alice.chat.deleteChatThread(id);
    pinned = undefined;
    const listed = [];
    for await (const t of bob.chat.listChatThreads({ startTime: beforeDelete })) listed.push(t);
    const doomed = listed.find((t) => t.id === id);
    expect(doomed?.deletedOn).toBeInstanceOf(Date);
    await expect(bob.chat.getChatThreadClient(id).getProperties()).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('Identity accepts expiresInMinutes: null (item 4)', () => {
  it('as the Python SDK sends it for create_user_and_token and get_token without an expiry: the default 24 h applies', async () => {
    const client = identityClient(emulator);
    const started = Date.now();
    // The JS SDK passes the option through to the wire; null is what azure-communication-identity for Python sends.
    const { user, expiresOn } = await client.createUserAndToken(['chat'], { tokenExpiresInMinutes: null as unknown as number });
    expect(expiresOn.getTime() - started).toBeGreaterThan(23.9 * 3600_000);
    const again = await client.getToken(user, ['chat'], { tokenExpiresInMinutes: null as unknown as number });
    expect(again.expiresOn.getTime() - started).toBeGreaterThan(23.9 * 3600_000);
    await expect(client.getToken(user, ['chat'], { tokenExpiresInMinutes: 10 })).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('lastMessageReceivedOn has the service precision (item 10)', () => {
  it('whole seconds by default, milliseconds when a test asks for them', async () => {
    const created = await alice.chat.createChatThread({ topic: 'precise' });
    const t0 = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    pinned = t0 + 456;
    await alice.chat.getChatThreadClient(created.chatThread!.id).sendMessage({ content: 'tick' });
    const listedAt = async () => {
      for await (const t of alice.chat.listChatThreads()) if (t.id === created.chatThread!.id) return t.lastMessageReceivedOn!.getTime();
      throw new Error('thread not listed');
    };
    expect(await listedAt()).toBe(t0);
    emulator.settings.lastMessageReceivedOnPrecision = 'milliseconds';
    expect(await listedAt()).toBe(t0 + 456);
  });
});
