/**
 * The load generator (its own process): autocannon against a webhook URL, each request a fresh
 * signed message.new body with a unique message id and X-Webhook-Id, spread over 100 channels.
 * Prints nothing; answers `run` over IPC with requests/s, latency percentiles and errors.
 */
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { serveIpc } from '../lib/proc.ts';
import { messageNewBody, sign } from '../lib/payload.ts';

const prefix = randomBytes(4).toString('hex');
let n = 0;

/** `rate`: requests per second across all connections (open loop), instead of as fast as the server answers. */
function run(msg: { url: string; durationS: number; connections: number; secret?: string; rate?: number }) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: msg.url,
        connections: msg.connections,
        duration: msg.durationS,
        ...(msg.rate ? { overallRate: msg.rate } : {}),
        method: 'POST',
        requests: [
          {
            setupRequest(req: any) {
              const id = `${prefix}-${++n}`;
              const body = messageNewBody({ id, channel: `bench-${n % 100}` });
              return { ...req, method: 'POST', body, headers: { 'content-type': 'application/json', 'x-signature': sign(body, msg.secret), 'x-webhook-id': `wh-${id}` } };
            },
          },
        ],
      },
      (err: Error | null, r: any) => {
        if (err) return reject(err);
        resolve({
          rps: r.requests.average,
          total: r.requests.total,
          p50: r.latency.p50,
          p99: r.latency.p99,
          non2xx: r.non2xx,
          errors: r.errors + r.timeouts,
        });
      },
    );
  });
}

serveIpc({ run });
process.send!({ type: 'ready' });
