import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAcsEmulator, type AcsEmulator } from '../../../src/emulator/acs/index.ts';
import { waitFor } from '../../helpers/wait.ts';
import { ofType, startAdapter, texts, type Harness } from './helpers.ts';

let emulator: AcsEmulator;
let h: Harness;
const SECRET = 'verbs-test-secret-0123456789';
beforeAll(async () => {
  emulator = await startAcsEmulator();
  h = await startAdapter(emulator, { eventGrid: { secrets: [SECRET], secretParam: 'secret', validation: 'sync', validationHosts: [] } });
  await h.adapter.pollOnce();
});
afterEach(() => {
  emulator.eventGrid.unsubscribe();
});
afterAll(async () => {
  await h.adapter.stop();
  await emulator.close();
});

function room(topic = 'verbs') {
  const user = emulator.admin.createUser('Ursula');
  const threadId = emulator.admin.createThread(user.id, { topic, participants: [{ id: h.adapter.botUser.id, displayName: 'Botty' }] });
  return { user, threadId, conversation: { platform: 'acs' as const, id: threadId } };
}

describe('ACS adapter verbs', () => {
  it('is ready, and lists the capabilities ACS has (ban = remove)', async () => {
    expect(await h.adapter.ready!()).toEqual({ ok: true });
    expect([...h.adapter.capabilities].sort()).toEqual(['attachments', 'ban', 'delete', 'edit', 'history', 'html', 'markRead', 'members', 'mentions', 'topic', 'typing']);
    expect(h.adapter.webhookPath).toBe('/webhooks/acs');
  });

  it('sends text with the bot name, html, replies, mentions, attachments and custom data', async () => {
    const { user, threadId, conversation } = room();
    const plain = await h.adapter.send(conversation, { text: 'hello' });
    const html = await h.adapter.send(conversation, { html: '<b>bold</b>' });
    const reply = await h.adapter.send(conversation, { text: 'a reply', parentId: plain.id, data: { n: 1, tag: 'x' } });
    const mention = await h.adapter.send(conversation, { text: 'welcome!', mentions: [{ id: user.id, name: 'Ursula' }] });
    const files = await h.adapter.send(conversation, { text: 'see', attachments: [{ type: 'image', url: 'https://example.com/a.png', title: 'A' }, { type: 'file', url: 'https://example.com/b.pdf', title: 'B' }] });
    const byId = new Map(emulator.state.messages(threadId).map((m) => [m.id, m]));
    expect(byId.get(plain.id)).toMatchObject({ type: 'text', content: 'hello', senderDisplayName: 'Botty', senderId: h.adapter.botUser.id });
    expect(byId.get(html.id)).toMatchObject({ type: 'html', content: '<b>bold</b>' });
    expect(byId.get(reply.id)?.metadata).toEqual({ 'botyard.parentId': plain.id, n: '1', tag: 'x' });
    expect(byId.get(mention.id)).toMatchObject({ content: '@Ursula welcome!', metadata: { 'botyard.mentions': JSON.stringify([user.id]) } });
    expect(byId.get(files.id)?.type).toBe('html');
    expect(byId.get(files.id)?.content).toContain('<img src="https://example.com/a.png" alt="A">');
    expect(byId.get(files.id)?.content).toContain('<a href="https://example.com/b.pdf">B</a>');
  });

  it('reads back replies, attachments and all three mention forms from incoming messages', async () => {
    const { user, threadId } = room();
    await h.adapter.pollOnce();
    const bot = h.adapter.botUser.id;
    emulator.admin.sendMessage(threadId, user.id, 'no mention here');
    emulator.admin.sendMessage(threadId, user.id, 'by metadata', { metadata: { 'botyard.mentions': JSON.stringify([bot]), 'botyard.parentId': '123' } });
    emulator.admin.sendMessage(threadId, user.id, `<p>hey <msft-mention id="${bot}">Botty</msft-mention> &amp; co</p>`, { type: 'html' });
    emulator.admin.sendMessage(threadId, user.id, 'ping @botty!');
    emulator.admin.sendMessage(threadId, user.id, 'not @Bottybot');
    emulator.admin.sendMessage(threadId, user.id, 'pic', { metadata: { 'botyard.attachments': JSON.stringify([{ type: 'image', url: 'https://x/y.png' }]) } });
    await h.adapter.pollOnce();
    const got = ofType(h.events, 'message.new').filter((e) => e.conversation.id === threadId).map((e) => e.message!);
    const mentionsBot = got.map((m) => m.mentions.some((u) => u.id === bot));
    expect(mentionsBot).toEqual([false, true, true, true, false, false]);
    expect(got[1]!.parentId).toBe('123');
    expect(got[1]!.data).toEqual({});
    expect(got[2]!.text).toBe('hey Botty & co');
    expect(got[2]!.html).toContain('<msft-mention');
    expect(got[5]!.attachments).toEqual([{ type: 'image', url: 'https://x/y.png' }]);
  });

  it('edits, deletes, marks read, types, adds and removes members, bans and sets the topic', async () => {
    const { user, threadId, conversation } = room();
    const sent = await h.adapter.send(conversation, { text: 'draft' });
    await h.adapter.editMessage!(conversation, sent.id, { text: 'final' });
    expect(emulator.state.messages(threadId).find((m) => m.id === sent.id)).toMatchObject({ content: 'final', editedOn: expect.any(String) });
    await h.adapter.deleteMessage!(conversation, sent.id);
    expect(emulator.state.messages(threadId).find((m) => m.id === sent.id)?.deletedOn).toBeDefined();

    const theirs = emulator.admin.sendMessage(threadId, user.id, 'read me');
    await h.adapter.markRead!(conversation, theirs);
    expect(emulator.state.readReceipts(threadId)).toEqual([expect.objectContaining({ userId: h.adapter.botUser.id, chatMessageId: theirs })]);

    await h.adapter.typing!(conversation);
    expect(emulator.state.typing(threadId).map((t) => t.displayName)).toEqual(['Botty']);

    const [v, w] = [emulator.admin.createUser('Vic'), emulator.admin.createUser('Wen')];
    await h.adapter.addMembers!(conversation, [{ id: v.id, name: 'Vic' }, { id: w.id }]);
    expect(emulator.state.participants(threadId).map((p) => p.id)).toEqual(expect.arrayContaining([v.id, w.id]));
    await h.adapter.removeMembers!(conversation, [v.id]);
    await h.adapter.ban!(conversation, w.id);
    expect(emulator.state.participants(threadId).map((p) => p.id)).not.toEqual(expect.arrayContaining([v.id]));
    expect(emulator.state.participants(threadId).map((p) => p.id)).not.toContain(w.id);
    await expect(h.adapter.addMembers!(conversation, [{ id: '8:acs:nobody_here' }])).rejects.toMatchObject({ name: 'PlatformError', platformCode: '404' });

    await h.adapter.updateConversation!(conversation, { topic: 'renamed' });
    expect(emulator.state.thread(threadId)?.topic).toBe('renamed');
  });

  it('turns SDK failures into PlatformError with the HTTP status', async () => {
    const stranger = emulator.admin.createUser('Stranger');
    const theirs = emulator.admin.createThread(stranger.id, { topic: 'not yours' });
    await expect(h.adapter.send({ platform: 'acs', id: theirs }, { text: 'hi' })).rejects.toMatchObject({ name: 'PlatformError', status: 403, platform: 'acs', retryable: false });
  });
});

describe('ACS adapter: Event Grid', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // Stands in for the runtime's route: raw body in, adapter answer out.
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const answer = await h.adapter.handleWebhook!({ headers: req.headers, body: Buffer.concat(chunks), url: req.url!, method: req.method! });
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/acs?secret=${SECRET}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('answers the validation handshake', async () => {
    const answer = await h.adapter.handleWebhook!({
      headers: { 'aeg-event-type': 'SubscriptionValidation' },
      url: `/webhooks/acs?secret=${SECRET}`,
      body: Buffer.from(JSON.stringify([{ id: '1', eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent', data: { validationCode: 'abc-123' } }])),
    });
    expect(answer).toEqual({ status: 200, body: { validationResponse: 'abc-123' } });
  });

  it('delivers a pushed message once even when the poller sees it too', async () => {
    await emulator.eventGrid.subscribe(url); // performs the handshake through the adapter
    const { user, threadId } = room('pushed');
    await emulator.eventGrid.idle();
    const id = emulator.admin.sendMessage(threadId, user.id, 'pushed hello');
    await emulator.eventGrid.idle();
    const byPush = h.events.filter((e) => e.message?.id === id);
    expect(byPush).toHaveLength(1);
    expect(byPush[0]!.raw).toMatchObject({ eventType: 'Microsoft.Communication.ChatMessageReceivedInThread' });
    expect(byPush[0]!.id).toBe(`acs:${threadId}:${id}`);
    expect(ofType(h.events, 'member.added').filter((e) => e.conversation.id === threadId)).toHaveLength(2);

    await h.adapter.pollOnce();
    await h.adapter.pollOnce();
    expect(h.events.filter((e) => e.message?.id === id)).toHaveLength(1);
    expect(ofType(h.events, 'member.added').filter((e) => e.conversation.id === threadId)).toHaveLength(2);
    expect(emulator.eventGrid.failed).toBe(0);

    await h.adapter.send({ platform: 'acs', id: threadId }, { text: 'bot talks' });
    await emulator.eventGrid.idle();
    expect(texts(h.events)).not.toContain('bot talks');
    await waitFor(() => emulator.eventGrid.delivered > 0);
  });
});
