/**
 * The before-send load generator (its own process): a fixed-rate, open-loop sender of signed Before
 * Message Send calls, as Stream makes them, each timed from its *scheduled* send time to the answer
 * (so a stalled server cannot hide its queueing by slowing the sender). A share of the messages carry
 * a blocked word, so the reject path (strike counted, message.rejected queued) is exercised too.
 * Answers `run` over IPC with latency percentiles, answers by verdict, errors and answers over budget.
 */
import http from 'node:http';
import { serveIpc } from '../lib/proc.ts';
import { sign } from '../lib/payload.ts';
import { quantile, sleep, wallMs } from '../lib/stats.ts';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
let n = 0;

function body(blocked: boolean): string {
  const i = ++n;
  const channel = `bench-${i % 100}`;
  return JSON.stringify({
    message: { id: '', text: blocked ? `buy cheap spam now (${i})` : `hello there, message ${i} of the before-send benchmark`, html: '', type: 'regular', attachments: [], latest_reactions: [], own_reactions: [], reaction_counts: null, reaction_scores: null, reply_count: 0, mentioned_users: [], silent: false },
    user: { id: `user-${i % 500}`, role: 'user', banned: false, online: true },
    channel: { cid: `messaging:${channel}`, id: channel, type: 'messaging', frozen: false, config: { name: 'messaging', typing_events: true, read_events: true, replies: true, max_message_length: 5000, automod: 'disabled', commands: [] } },
    request_info: { type: 'client', ip: '127.0.0.1', user_agent: 'bench', sdk: 'stream-chat-js' },
  });
}

function post(url: string, payload: string, secret: string | undefined, webhookId: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-signature': sign(payload, secret), 'x-webhook-id': webhookId, 'x-webhook-attempt': '1' } });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function run(msg: { url: string; rate: number; durationS: number; budgetMs: number; blockedShare: number; secret?: string }) {
  const interval = 1000 / msg.rate;
  const total = Math.round(msg.rate * msg.durationS);
  const start = wallMs() + 20;
  const latencies: number[] = [];
  let errors = 0;
  let rejected = 0;
  const inflight: Array<Promise<void>> = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - wallMs();
    if (wait > 1) await sleep(wait);
    const payload = body(Math.random() < msg.blockedShare);
    inflight.push(
      post(msg.url, payload, msg.secret, `bench-bs-${process.pid}-${i}-${Date.now()}`).then(
        (res) => {
          latencies.push(wallMs() - due);
          if (res.status !== 200) errors++;
          else if (res.text.includes('"type":"error"')) rejected++;
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(inflight);
  const r = (q: number) => Math.round(quantile(latencies, q) * 100) / 100;
  return { sent: total, answered: latencies.length, errors, rejected, p50: r(0.5), p99: r(0.99), max: r(1), overBudget: latencies.filter((l) => l > msg.budgetMs).length };
}

serveIpc({ run });
process.send!({ type: 'ready' });
