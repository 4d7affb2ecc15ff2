/** Auth errors, Stream's error envelope and the fault knobs, seen through the SDK and raw HTTP. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamChat } from 'stream-chat';
import { signJwt, type StreamEmulator } from '../../../src/emulator/stream/index.ts';
import { emulatorWithClient, sdkError } from './helpers.ts';

let emu: StreamEmulator;
let client: StreamChat;
type Loose = any;

beforeEach(async () => {
  ({ emu, client } = await emulatorWithClient());
});
afterEach(async () => {
  await emu.close();
});

const get = (path: string, headers: Record<string, string>) => fetch(`${emu.url}${path}`, { headers: { 'stream-auth-type': 'jwt', ...headers } });

describe('auth', () => {
  it('a client with the wrong secret gets 401 code 43 in Stream\'s error envelope', async () => {
    const wrong = new StreamChat(emu.apiKey, 'not-the-secret', { baseURL: emu.url, disableCache: true, timeout: 30_000 });
    const err = await sdkError(wrong.getAppSettings());
    expect(err).toMatchObject({ code: 43, status: 401 });
    const res = await get(`/app?api_key=${emu.apiKey}`, { authorization: signJwt({ server: true }, 'nope') });
    const body = await res.json();
    expect(body).toEqual({ code: 43, message: expect.stringContaining('GetApp failed with error'), StatusCode: 401, duration: expect.stringMatching(/ms$/), more_info: expect.any(String), details: [] });
  });

  it('an unknown api_key is code 2, a missing token code 5, an expired user token code 40', async () => {
    expect((await (await get('/app?api_key=other', { authorization: client._getToken()! })).json()).code).toBe(2);
    expect((await (await get(`/app?api_key=${emu.apiKey}`, {})).json()).code).toBe(5);
    const expired = client.createToken('john', Math.floor(Date.now() / 1000) - 10);
    const res = await get(`/app?api_key=${emu.apiKey}`, { authorization: expired });
    expect(res.status).toBe(401);
    expect((await res.json()).code).toBe(40);
  });

  it('a user token acts as that user when the body names nobody', async () => {
    await client.upsertUsers([{ id: 'john' }]);
    await client.channel('messaging', 'u', { created_by_id: 'john' } as Loose).create();
    const res = await fetch(`${emu.url}/channels/messaging/u/message?api_key=${emu.apiKey}`, {
      method: 'POST',
      headers: { authorization: client.createToken('john'), 'stream-auth-type': 'jwt', 'content-type': 'application/json' },
      body: JSON.stringify({ message: { text: 'as john' } }),
    });
    expect(res.status).toBe(201);
    expect((await res.json()).message.user.id).toBe('john');
  });
});

describe('faults', () => {
  async function channel() {
    await client.upsertUsers([{ id: 'john' }]);
    const ch = client.channel('messaging', 'f', { created_by_id: 'john' } as Loose);
    await ch.create();
    return ch;
  }

  it('failNext answers N 429s with X-RateLimit-Reset on one endpoint, then recovers; nothing is stored meanwhile', async () => {
    const ch = await channel();
    emu.faults.failNext('SendMessage', { status: 429, count: 2, resetInSeconds: 3 });
    const first = await sdkError(ch.sendMessage({ text: 'a', user_id: 'john' } as Loose));
    expect(first).toMatchObject({ code: 9, status: 429 });
    const reset = Number(first.headers['x-ratelimit-reset']);
    expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 2);
    expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 3);
    await ch.markRead({ user_id: 'john' }); // another endpoint is unaffected
    expect((await sdkError(ch.sendMessage({ text: 'b', user_id: 'john' } as Loose))).status).toBe(429);
    await ch.sendMessage({ text: 'c', user_id: 'john' } as Loose);
    expect(emu.state.messages('messaging:f').map((m) => m.text)).toEqual(['c']);
    expect(emu.requests.count('SendMessage')).toBe(3);
    expect(emu.requests.count('SendMessage', 'failed')).toBe(2);
  });

  it('failNext with a 5xx gives code -1', async () => {
    const ch = await channel();
    emu.faults.failNext('SendMessage', { status: 503 });
    expect(await sdkError(ch.sendMessage({ text: 'a', user_id: 'john' } as Loose))).toMatchObject({ status: 503, code: -1 });
  });

  it('failRate fails a deterministic share of calls for a seed', async () => {
    const ch = await channel();
    const run = async () => {
      const outcomes: boolean[] = [];
      for (let i = 0; i < 40; i++) outcomes.push(await ch.sendEvent({ type: 'custom.ping', user_id: 'john' } as Loose).then(() => true, () => false));
      return outcomes;
    };
    emu.faults.failRate('SendEvent', { rate: 0.3, seed: 7 });
    const a = await run();
    emu.faults.failRate('SendEvent', { rate: 0.3, seed: 7 });
    const b = await run();
    expect(a).toEqual(b);
    const failures = a.filter((x) => !x).length;
    expect(failures).toBeGreaterThan(4);
    expect(failures).toBeLessThan(24);
    emu.faults.clear();
    expect((await run()).every(Boolean)).toBe(true);
  });

  it('delay makes the SDK time out', async () => {
    const ch = await channel();
    const slow = new StreamChat(emu.apiKey, emu.apiSecret, { baseURL: emu.url, disableCache: true, timeout: 100 });
    emu.faults.delay('GetApp', 400);
    await expect(slow.getAppSettings()).rejects.toMatchObject({ code: 'ECONNABORTED' });
    void ch;
  });
});
