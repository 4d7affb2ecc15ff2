/** Faults, Event Grid subscriptions and "say" through the ACS emulator's admin route, seen by the real Azure SDKs. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAcsEmulator, type AcsEmulator } from '../../../src/emulator/acs/index.ts';
import { acsAdminClient, type AcsAdminClient } from '../../../src/emulator/acs/admin-client.ts';
import { sdkUser } from './helpers.ts';

let emulator: AcsEmulator;
let admin: AcsAdminClient;
let grid: Server;
let gridUrl: string;
const gridEvents: Array<{ id: string; type: string; count: string; body: string }> = [];
beforeAll(async () => {
  emulator = await startAcsEmulator();
  admin = acsAdminClient({ connectionString: emulator.connectionString, caPem: emulator.caPem });
  grid = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const [event] = JSON.parse(Buffer.concat(chunks).toString());
    if (event.eventType === 'Microsoft.EventGrid.SubscriptionValidationEvent') {
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ validationResponse: event.data.validationCode }));
    }
    gridEvents.push({ id: event.id, type: event.eventType.replace('Microsoft.Communication.', ''), count: String(req.headers['aeg-delivery-count']), body: event.data.messageBody });
    res.writeHead(200).end();
  });
  await new Promise<void>((r) => grid.listen(0, '127.0.0.1', r));
  gridUrl = `http://127.0.0.1:${(grid.address() as AddressInfo).port}/eg`;
});
beforeEach(async () => {
  await admin.clearFaults();
  gridEvents.length = 0;
});
afterAll(async () => {
  await emulator.close();
  await new Promise<void>((r) => grid.close(() => r()));
});

describe('ACS admin route', () => {
  it('acs:send:429x1 answers 429 with Retry-After, which the SDK waits out; 503 too', async () => {
    const alice = await sdkUser(emulator, 'Alice');
    const { chatThread } = await alice.chat.createChatThread({ topic: 'faults' });
    const thread = alice.chat.getChatThreadClient(chatThread!.id);
    expect(await admin.addFaults('acs:send:429x1,acs:send:503')).toHaveLength(2);
    emulator.resetCounters();
    const t0 = Date.now();
    await thread.sendMessage({ content: 'eventually' });
    console.log(`[faults] a send behind a 429 and a 503 took ${Date.now() - t0} ms`);
    expect(emulator.counters()['messages.send']).toBe(3);
    expect(emulator.state.messages(chatThread!.id).filter((m) => m.type === 'text')).toHaveLength(1);
  });

  it('a persistent 5xx on a share of calls, listed and cleared; slow answers', async () => {
    const alice = await sdkUser(emulator, 'Alice');
    const { chatThread } = await alice.chat.createChatThread({ topic: 'slow' });
    // 501 is a 5xx the SDK does not retry (it backs off 1 s, 2 s, 4 s on 500/502/504).
    await admin.addFaults('acs:threads:501@100%,acs:list:slow250ms');
    expect(await admin.listFaults()).toEqual(['threads.list: 100% of calls answer 501', 'messages.list: answers after 250 ms']);
    await expect((async () => { for await (const t of alice.chat.listChatThreads()) void t; })()).rejects.toMatchObject({ statusCode: 501 });
    await expect((async () => { for await (const t of alice.chat.listChatThreads()) void t; })()).rejects.toMatchObject({ statusCode: 501 });
    const t0 = Date.now();
    for await (const m of alice.chat.getChatThreadClient(chatThread!.id).listMessages()) void m;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(245);
    await admin.clearFaults();
    for await (const t of alice.chat.listChatThreads()) void t;
    expect(await admin.listFaults()).toEqual([]);
  });

  it('Event Grid: subscribe through the route, then duplicated, redelivered and reordered deliveries', async () => {
    const alice = await sdkUser(emulator, 'Alice');
    const { chatThread } = await alice.chat.createChatThread({ topic: 'grid' });
    const thread = alice.chat.getChatThreadClient(chatThread!.id);
    await admin.setEventGrid(gridUrl);
    await admin.addFaults('acs:eventgrid:dup,acs:eventgrid:redeliverx1');
    await thread.sendMessage({ content: 'one' });
    await emulator.eventGrid.idle();
    const ones = gridEvents.filter((e) => e.type === 'ChatMessageReceivedInThread');
    expect(ones.map((e) => e.count)).toEqual(['0', '0', '1']);
    expect(new Set(ones.map((e) => e.id)).size).toBe(1);
    gridEvents.length = 0;
    await admin.addFaults('acs:eventgrid:reorderx2');
    await thread.sendMessage({ content: 'two' });
    await thread.sendMessage({ content: 'three' });
    await emulator.eventGrid.idle();
    expect(gridEvents.filter((e) => e.type === 'ChatMessageReceivedInThread').map((e) => e.body)).toEqual(['three', 'two']);
    await admin.setEventGrid(undefined);
  });

  it('say posts as a named user: created and added when new, the same user next time', async () => {
    const alice = await sdkUser(emulator, 'Alice');
    const { chatThread } = await alice.chat.createChatThread({ topic: 'say' });
    const first = await admin.say(chatThread!.id, 'Zed', 'hello from the shell');
    const again = await admin.say(chatThread!.id, 'zed', 'me again');
    expect(again.senderId).toBe(first.senderId);
    const texts = [];
    for await (const m of alice.chat.getChatThreadClient(chatThread!.id).listMessages()) if (m.type === 'text') texts.push([m.content!.message, m.senderDisplayName]);
    expect(texts.reverse()).toEqual([['hello from the shell', 'Zed'], ['me again', 'Zed']]);
    await expect(admin.say('19:nope@thread.v2', 'Zed', 'x')).rejects.toThrow(/Thread not found/);
  });

  it('refuses a request signed with another key', async () => {
    const other = acsAdminClient({ connectionString: emulator.connectionString.replace(/accesskey=.*/, `accesskey=${Buffer.from('x'.repeat(32)).toString('base64')}`), caPem: emulator.caPem });
    await expect(other.listFaults()).rejects.toThrow(/signature mismatch/);
  });
});
