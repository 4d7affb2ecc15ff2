/**
 * The shared-limits benchmark's Stream side, in one process (CPU 1): the emulator behind a gate that
 * enforces the app's limit the way Stream does (more than LIMIT SendMessage calls in a rolling minute →
 * 429 with X-RateLimit-* headers), and a fixed-rate webhook sender that spreads its events over both
 * botyard instances. Records when each send passed the gate, so the bench can check every rolling minute.
 */
import http from 'node:http';
import { StreamChat } from 'stream-chat';
import { startStreamEmulator } from '../../src/emulator/stream/index.ts';
import { BENCH_KEY, BENCH_SECRET, messageNewBody, sign } from '../lib/payload.ts';
import { serveIpc } from '../lib/proc.ts';
import { sleep } from '../lib/stats.ts';

type Loose = any;
const LIMIT = Number(process.env.LIMIT_PER_MINUTE ?? 600);
const CHANNELS = 50;
const emulator = await startStreamEmulator({ apiKey: BENCH_KEY, apiSecret: BENCH_SECRET });
const upstream = new URL(emulator.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

const passed: number[] = [];
let refused = 0;
const gate = http.createServer((req, res) => {
  const isSend = req.method === 'POST' && /\/channels\/[^/]+\/[^/]+\/message(\?|$)/.test(req.url ?? '');
  if (isSend) {
    const now = Date.now();
    let inWindow = 0;
    for (let i = passed.length - 1; i >= 0 && passed[i]! > now - 60_000; i--) inWindow++;
    if (inWindow >= LIMIT) {
      refused++;
      req.resume();
      const body = '{"code":9,"message":"SendMessage failed with error: \\"Too many requests\\"","StatusCode":429}';
      res.writeHead(429, { 'content-type': 'application/json', 'x-ratelimit-limit': String(LIMIT), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil((passed[passed.length - inWindow]! + 60_000) / 1000)) });
      res.end(body);
      return;
    }
    passed.push(now);
  }
  const forward = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, agent }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  forward.on('error', () => res.writeHead(502).end());
  req.pipe(forward);
});
await new Promise<void>((resolve) => gate.listen(0, '127.0.0.1', resolve));
const gateUrl = `http://127.0.0.1:${(gate.address() as { port: number }).port}`;

const client = new StreamChat(BENCH_KEY, BENCH_SECRET, { baseURL: emulator.url, disableCache: true });
await client.upsertUsers([{ id: 'kim', name: 'Kim' }, { id: 'botyard', name: 'Botyard' }] as Loose);
for (let c = 0; c < CHANNELS; c++) await client.channel('messaging', `lim-${c}`, { created_by_id: 'kim', members: ['kim', 'botyard'] } as Loose).create();

const replies = new Set<string>();
emulator.on('event', (e: Loose) => {
  if (e.type === 'message.new' && e.user?.id === 'botyard' && e.message?.parent_id) replies.add(e.message.parent_id);
});

const posts = new http.Agent({ keepAlive: true, maxSockets: 64 });
let offered: string[] = [];
let acked = 0;

/** Posts `perMinute` webhooks a minute for `seconds`, alternating between `urls`. */
async function offer({ urls, perMinute, seconds }: { urls: string[]; perMinute: number; seconds: number }) {
  const total = Math.round((perMinute * seconds) / 60);
  offered = [];
  const t0 = performance.now();
  for (let n = 0; n < total; n++) {
    const due = t0 + (n * 60_000) / perMinute;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const channel = `lim-${n % CHANNELS}`;
    const { message } = await client.channel('messaging', channel).sendMessage({ text: `question ${n}`, user_id: 'kim' } as Loose);
    offered.push(message.id);
    const body = messageNewBody({ id: message.id, channel, text: `question ${n}` });
    const url = new URL(urls[n % urls.length]!);
    const req = http.request(url, { method: 'POST', agent: posts, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-signature': sign(body), 'x-webhook-id': `wh-${message.id}` } });
    req.on('response', (r) => {
      if (r.statusCode === 200) acked++;
      r.resume();
    });
    req.on('error', () => undefined);
    req.end(body);
  }
  return { offered: total, ms: Math.round(performance.now() - t0) };
}

/** Waits until every offered message has its reply, or `timeoutMs`. */
async function drain({ timeoutMs }: { timeoutMs: number }) {
  const until = Date.now() + timeoutMs;
  while (offered.some((id) => !replies.has(id)) && Date.now() < until) await sleep(200);
  const answered = offered.filter((id) => replies.has(id)).length;
  let worst = 0;
  for (let i = 0, j = 0; i < passed.length; i++) {
    while (passed[j]! <= passed[i]! - 60_000) j++;
    worst = Math.max(worst, i - j + 1);
  }
  return { offered: offered.length, acked, answered, refused, sends: passed.length, worstRollingMinute: worst, firstSendAt: passed[0], lastSendAt: passed.at(-1) };
}

serveIpc({ offer, drain });
process.send!({ type: 'ready', env: { ...emulator.env, STREAM_BASE_URL: gateUrl } });
