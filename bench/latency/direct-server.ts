/**
 * The baseline for reply latency and reply CPU: the same work written by hand with stream-chat.
 * node:http verifies and parses the webhook, acks, then makes the same three stream-chat calls the
 * `mentions` bot makes (markRead, typing.start, threaded reply with a mention), with the client set
 * up as a user would (keep-alive agent, cache off, the SDK's other defaults).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { StreamChat } from 'stream-chat';
import { BENCH_SECRET } from '../lib/payload.ts';

type Loose = any;
const env = process.env;
const client = new StreamChat(env.STREAM_API_KEY!, env.STREAM_API_SECRET!, { baseURL: env.STREAM_BASE_URL!, disableCache: true, timeout: 10_000, axiosRequestConfig: { httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }) } });

async function answer(payload: Loose) {
  const channel = client.channel(payload.channel_type, payload.channel_id);
  const question = payload.message;
  await channel.markRead({ user_id: 'botyard', message_id: question.id } as Loose);
  await channel.sendEvent({ type: 'typing.start', user_id: 'botyard' } as Loose);
  await channel.sendMessage({ text: '@Kim We are open Monday to Friday, 9:00 to 17:00 CET.', parent_id: question.id, mentioned_users: [question.user.id], user_id: 'botyard' } as Loose);
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const expected = Buffer.from(createHmac('sha256', BENCH_SECRET).update(body).digest('hex'));
    const given = Buffer.from(String(req.headers['x-signature'] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return void res.writeHead(401).end();
    const payload = JSON.parse(body.toString('utf8'));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    answer(payload).catch((err) => console.error('direct: reply failed', err.message));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.send?.({ type: 'ready', port: (server.address() as { port: number }).port }));
process.on('disconnect', () => process.exit(0));
