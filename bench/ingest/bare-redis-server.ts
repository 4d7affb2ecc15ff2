/**
 * (a-redis) The Redis floor: node:http, HMAC-SHA256 check, JSON.parse, then the dedupe a cluster needs,
 * one `SET key 1 EX 86400 NX` on the same Redis the botyard setups use, and 200. AUTOPIPELINE=1 lets
 * ioredis batch the concurrent SETs into shared writes (the stricter reference).
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { answerDelivery, onVerifiedWebhook } from './verify.ts';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/13', { enableAutoPipelining: process.env.AUTOPIPELINE === '1' });
const server = createServer(
  onVerifiedWebhook((res, key) => {
    redis.set(`bench:dedupe:${key}`, '1', 'EX', 86_400, 'NX').then(
      (fresh) => answerDelivery(res, fresh === 'OK'),
      () => res.writeHead(503).end(),
    );
  }),
);
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.send?.({ type: 'ready', port: (server.address() as { port: number }).port }));
process.on('disconnect', () => process.exit(0));
// An orderly exit on SIGINT (how focus.ts stops its servers), so `node --cpu-prof` writes its profile.
process.on('SIGINT', () => process.exit(0));
