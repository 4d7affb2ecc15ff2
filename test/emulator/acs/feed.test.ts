import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAcsEmulator, type AcsChange, type AcsEmulator } from '../../../src/emulator/acs/index.ts';
import { sdkUser } from './helpers.ts';

let emulator: AcsEmulator;
let server: Server;
let url: string;
let validate = true;
const received: { headers: Record<string, unknown>; body: any[] }[] = [];
beforeAll(async () => {
  emulator = await startAcsEmulator();
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString());
    received.push({ headers: req.headers, body });
    if (body[0].eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ validationResponse: validate ? body[0].data.validationCode : 'wrong' }));
    }
    res.writeHead(200).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await emulator.close();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('ACS emulator: change feed and Event Grid', () => {
  it('reports every SDK mutation on the change feed', async () => {
    const changes: AcsChange[] = [];
    const off = emulator.on('change', (c) => changes.push(c));
    const alice = await sdkUser(emulator, 'Alice');
    const { chatThread } = await alice.chat.createChatThread({ topic: 'feed' });
    await alice.chat.getChatThreadClient(chatThread!.id).sendMessage({ content: 'x' });
    off();
    await alice.chat.getChatThreadClient(chatThread!.id).sendMessage({ content: 'after off' });
    expect(changes.map((c) => c.kind)).toEqual(['user.created', 'thread.created', 'message.created', 'participant.added', 'message.created', 'message.created']);
  });

  it('refuses a subscription whose endpoint fails the validation handshake', async () => {
    validate = false;
    await expect(emulator.eventGrid.subscribe(url)).rejects.toThrow(/validation failed/);
    validate = true;
  });

  it('delivers Event Grid–schema events after the handshake', async () => {
    await emulator.eventGrid.subscribe(url, { eventTypes: ['ChatMessageReceivedInThread', 'ChatThreadParticipantAdded'] });
    received.length = 0;
    const alice = await sdkUser(emulator, 'Alice');
    const { chatThread } = await alice.chat.createChatThread({ topic: 'grid' });
    const { id } = await alice.chat.getChatThreadClient(chatThread!.id).sendMessage({ content: 'to the grid' }, { senderDisplayName: 'Alice' });
    await emulator.eventGrid.idle();
    const events = received.map((r) => r.body[0]);
    expect(events.map((e) => e.eventType)).toEqual(['Microsoft.Communication.ChatThreadParticipantAdded', 'Microsoft.Communication.ChatMessageReceivedInThread']);
    expect(events[1]).toMatchObject({
      subject: `thread/${chatThread!.id}/sender/${alice.id}`,
      data: { messageBody: 'to the grid', messageId: id, senderDisplayName: 'Alice', type: 'Text', threadId: chatThread!.id },
      metadataVersion: '1',
      dataVersion: '1.0',
    });
    expect(received[1]!.headers['aeg-event-type']).toBe('Notification');
    expect(emulator.eventGrid.delivered).toBe(2);
  });
});
