/**
 * (a) The floor: node:http reading the raw body, HMAC-SHA256 check (constant time), JSON.parse, an
 * in-memory dedupe set, 200. Nothing botyard does can be cheaper than this.
 */
import { createServer } from 'node:http';
import { answerDelivery, onVerifiedWebhook } from './verify.ts';

const seen = new Set<string>();
const server = createServer(
  onVerifiedWebhook((res, key) => {
    const fresh = !seen.has(key);
    if (fresh) seen.add(key);
    if (seen.size > 1_000_000) seen.clear();
    answerDelivery(res, fresh);
  }),
);
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => process.send?.({ type: 'ready', port: (server.address() as { port: number }).port }));
process.on('disconnect', () => process.exit(0));
// An orderly exit on SIGINT (how focus.ts stops its servers), so `node --cpu-prof` writes its profile.
process.on('SIGINT', () => process.exit(0));
