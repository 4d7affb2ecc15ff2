/**
 * Stopping closes every connection, keep-alive ones included, once the runtime has stopped: a webhook
 * still arriving when the stop began left its keep-alive socket open, and the stop waited out the
 * server's idle timeout (65 s by default; 10 minutes here, so a stop that waits it out fails the test
 * by its own deadline). `botyard dev` (this stack) and `start` both stop through boot's stop.
 */
import net from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startDevStack, type DevStack } from '../../src/cli/dev-stack.ts';
import { signBody } from '../../src/emulator/stream/index.ts';
import { silentLogger } from '../../src/runtime/log.ts';

let stack: DevStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const LONG = 600_000;

async function devStack(): Promise<DevStack> {
  return startDevStack({
    env: {},
    cwd: process.cwd(),
    log: silentLogger,
    port: 0,
    platforms: ['stream'],
    config: { bots: {}, botsDir: 'test/server/no-bots', http: { idleTimeoutMs: LONG, requestTimeoutMs: LONG, headersTimeoutMs: LONG } },
  });
}

function webhook(id: string, text: string, secret: string): { head: string; body: string } {
  const at = new Date().toISOString();
  const body = JSON.stringify({
    type: 'message.new',
    cid: 'messaging:stop',
    channel_type: 'messaging',
    channel_id: 'stop',
    message: { id, text, type: 'regular', user: { id: 'kim' }, mentioned_users: [], attachments: [], created_at: at },
    user: { id: 'kim' },
    created_at: at,
  });
  const head = ['POST /webhooks/stream HTTP/1.1', 'Host: 127.0.0.1', 'Connection: keep-alive', 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, `X-Signature: ${signBody(body, secret)}`, `X-Webhook-Id: hook-${id}`, '', ''].join('\r\n');
  return { head, body };
}

/** A raw keep-alive connection: `answers` collects each complete response head, `closed` resolves when the server closes it. */
async function connect(url: string) {
  const socket = net.connect(Number(new URL(url).port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let text = '';
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    for (const w of waiters.splice(0)) w();
  });
  const answers = () => text.split(/(?=HTTP\/1\.1 )/).filter(Boolean);
  const answered = (n: number) =>
    new Promise<string[]>((resolve) => {
      const check = () => (answers().length >= n && /\r\n\r\n/.test(answers()[n - 1]!) ? resolve(answers()) : waiters.push(check));
      check();
    });
  return { socket, closed, answered };
}

it('a webhook mid-request when the stop begins is answered, then its keep-alive connection is closed', async () => {
  stack = await devStack();
  const { head, body } = webhook('stop-1', 'late', stack.stream!.apiSecret);
  const conn = await connect(stack.url);
  // Headers and half the body now: the connection is busy when the stop begins.
  conn.socket.write(head + body.slice(0, 40));
  await new Promise((r) => setImmediate(r));
  const started = Date.now();
  const stopping = stack.stop();
  conn.socket.write(body.slice(40));
  await stopping;
  await conn.closed;
  console.log(`stop with a busy keep-alive connection took ${Date.now() - started} ms`);
  // Accepted, or (intake already stopped) refused so that Stream delivers it again.
  expect((await conn.answered(1))[0]).toMatch(/^HTTP\/1\.1 (200|503) /);
  stack = undefined;
}, 60_000);
