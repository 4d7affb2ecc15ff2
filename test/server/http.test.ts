/** The HTTP front door over real HTTP: webhook fast path (signature, gzip, limits), health, readiness, metrics. */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevStack, type DevStack } from '../../src/cli/dev-stack.ts';
import { signBody } from '../../src/emulator/stream/index.ts';
import { silentLogger } from '../../src/runtime/log.ts';

let stack: DevStack;
let url: string;
const ingested: string[] = [];

function messageBody(id: string, text = 'hello') {
  return JSON.stringify({
    type: 'message.new',
    cid: 'messaging:http',
    channel_type: 'messaging',
    channel_id: 'http',
    message: { id, text, type: 'regular', user: { id: 'kim', name: 'Kim' }, mentioned_users: [], attachments: [], created_at: new Date().toISOString() },
    user: { id: 'kim', name: 'Kim' },
    created_at: new Date().toISOString(),
  });
}

function post(body: Uint8Array | string, headers: Record<string, string>) {
  return fetch(`${url}/webhooks/stream`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });
}

beforeAll(async () => {
  stack = await startDevStack({ env: {}, cwd: process.cwd(), log: silentLogger, port: 0, platforms: ['stream'], config: { bots: {}, botsDir: 'test/server/no-bots', maxBodyBytes: 64 * 1024 } });
  url = stack.booted.server.url;
  stack.booted.runtime.events.on('ingested', (e) => void ingested.push(e.id));
});
afterAll(() => stack?.stop());

describe('webhook fast path', () => {
  const secret = () => stack.stream!.apiSecret;

  it('accepts a signed body, and a gzipped one (signature over the uncompressed bytes)', async () => {
    const plain = messageBody('h-1');
    expect((await post(plain, { 'x-signature': signBody(plain, secret()), 'x-webhook-id': 'w1' })).status).toBe(200);
    const zipped = messageBody('h-2');
    const res = await post(gzipSync(zipped), { 'content-encoding': 'gzip', 'x-signature': signBody(zipped, secret()), 'x-webhook-id': 'w2' });
    expect(res.status).toBe(200);
    expect(ingested).toEqual(expect.arrayContaining(['stream:message.new:h-1', 'stream:message.new:h-2']));
  });

  it('answers 401 to a bad or missing signature and runs nothing', async () => {
    const before = ingested.length;
    const body = messageBody('h-3');
    expect((await post(body, { 'x-signature': signBody(body, 'wrong-secret') })).status).toBe(401);
    expect((await post(body.replace('hello', 'hellO'), { 'x-signature': signBody(body, secret()) })).status).toBe(401);
    expect((await post(body, {})).status).toBe(401);
    expect(ingested.length).toBe(before);
  });

  it('answers 400 to malformed JSON and bad gzip, 413 above the size limit', async () => {
    const junk = '{"type": "message.new",';
    expect((await post(junk, { 'x-signature': signBody(junk, secret()) })).status).toBe(400);
    expect((await post(Buffer.from('not gzip'), { 'content-encoding': 'gzip', 'x-signature': 'x' })).status).toBe(400);
    const big = messageBody('h-4', 'x'.repeat(70 * 1024));
    expect((await post(big, { 'x-signature': signBody(big, secret()) })).status).toBe(413);
    // A small gzip that inflates past the limit is refused too.
    const bomb = messageBody('h-5', 'y'.repeat(200 * 1024));
    expect((await post(gzipSync(bomb), { 'content-encoding': 'gzip', 'x-signature': signBody(bomb, secret()) })).status).toBe(413);
  });
});

describe('operations endpoints', () => {
  it('healthz and readyz answer 200 with the checks', async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, checks: { store: { ok: true }, stream: { ok: true } } });
  });

  it('metrics count what happened', async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/botyard_events_in_total\{platform="stream",outcome="accepted"\} [1-9]/);
    expect(text).toMatch(/botyard_queue_depth \d/);
  });

  it('readyz is 503 with the reason when the platform is unreachable', async () => {
    await stack.stream!.close();
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: { stream: { ok: boolean; reason: string } } };
    expect(body.checks.stream.ok).toBe(false);
    expect(body.checks.stream.reason).toBeTruthy();
  });
});
