/** Faults injected from outside through the Stream emulator's admin route, seen by the real SDK and a webhook receiver. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StreamChat } from 'stream-chat';
import type { StreamEmulator } from '../../../src/emulator/stream/index.ts';
import { streamAdminClient, type StreamAdminClient } from '../../../src/emulator/stream/admin-client.ts';
import { emulatorWithClient, sdkError, startReceiver, type Receiver } from './helpers.ts';

let emu: StreamEmulator;
let client: StreamChat;
let admin: StreamAdminClient;
type Loose = any;

beforeEach(async () => {
  ({ emu, client } = await emulatorWithClient());
  admin = streamAdminClient({ baseUrl: emu.url, apiKey: emu.apiKey, apiSecret: emu.apiSecret });
  await client.upsertUsers([{ id: 'john' }, { id: 'alice' }]);
});
afterEach(() => emu.close());

const general = async () => {
  const ch = client.channel('messaging', 'general', { created_by_id: 'john', members: ['john', 'alice'] } as Loose);
  await ch.create();
  return ch;
};

describe('Stream admin route', () => {
  it('stream:send:429x2 answers two sends 429 with the rate-limit headers, then lets them through', async () => {
    const ch = await general();
    expect(await admin.addFaults('stream:send:429x2')).toEqual(['stream:send:429x2: the next 2 SendMessage calls answer 429']);
    expect(await admin.listFaults()).toEqual(['SendMessage: next 2 answer 429']);
    for (let i = 0; i < 2; i++) {
      const err = await sdkError(ch.sendMessage({ text: 'hi', user_id: 'john' } as Loose));
      expect([err.status, err.code]).toEqual([429, 9]);
      expect(Number(err.headers['x-ratelimit-reset'])).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
      expect(err.headers['x-ratelimit-remaining']).toBe('0');
    }
    await ch.sendMessage({ text: 'third time', user_id: 'john' } as Loose);
    expect(emu.requests.count('SendMessage', 'failed')).toBe(2);
    expect(await admin.listFaults()).toEqual([]);
  });

  it('5xx on a share of calls until cleared, and slow answers', async () => {
    const ch = await general();
    await admin.addFaults('stream:send:503@100%');
    expect((await sdkError(ch.sendMessage({ text: 'a', user_id: 'john' } as Loose))).status).toBe(503);
    expect((await sdkError(ch.sendMessage({ text: 'b', user_id: 'john' } as Loose))).status).toBe(503);
    await admin.clearFaults();
    await ch.sendMessage({ text: 'c', user_id: 'john' } as Loose);
    await admin.addFaults('stream:query:slow300ms');
    const t0 = Date.now();
    await ch.query({});
    const took = Date.now() - t0;
    console.log(`[faults] a slow300ms query took ${took} ms`);
    expect(took).toBeGreaterThanOrEqual(295);
  });

  it('webhook dup and reorder faults reach the receiver', async () => {
    const receiver: Receiver = await startReceiver();
    try {
      const ch = await general();
      emu.setWebhookUrl(receiver.url);
      await admin.addFaults('stream:webhook:dup,stream:webhook:reorderx2');
      await ch.sendMessage({ text: 'first', user_id: 'john' } as Loose);
      await ch.sendMessage({ text: 'second', user_id: 'john' } as Loose);
      await emu.webhooksIdle();
      const texts = receiver.received.map((r) => JSON.parse(r.body.toString()).message.text);
      // The first event is both duplicated and held; the pair goes out last first.
      expect(texts).toEqual(['second', 'first', 'first']);
      const ids = receiver.received.map((r) => r.headers['x-webhook-id']);
      expect(ids[1]).toBe(ids[2]);
    } finally {
      await receiver.close();
    }
  });

  it('refuses calls without a server token, and bad rules with the grammar', async () => {
    const wrong = streamAdminClient({ baseUrl: emu.url, apiKey: emu.apiKey, apiSecret: 'not-the-secret' });
    await expect(wrong.listFaults()).rejects.toThrow(/signature/);
    const asUser = await fetch(`${emu.url}/_admin/faults?api_key=${emu.apiKey}`, { headers: { authorization: client.createToken('alice'), 'stream-auth-type': 'jwt' } });
    expect(asUser.status).toBe(403);
    await expect(admin.addFaults('stream:send:404')).rejects.toThrow(/not 429 or 5xx.*e\.g\./);
    await expect(admin.addFaults('acs:send:429')).rejects.toThrow(/acs emulator is not running here/);
  });
});
