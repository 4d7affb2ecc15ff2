/**
 * (a-redis) The Redis floor: node:http, HMAC-SHA256 check, JSON.parse, then the dedupe a cluster needs,
 * one `SET key 1 EX 86400 NX` on the same Redis the botyard setups use, and 200. AUTOPIPELINE=1 lets
 * ioredis batch the concurrent SETs into shared writes (the stricter reference).
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { verifiedPayload } from './verify.ts';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/13', { enableAutoPipelining: process.env.AUTOPIPELINE === '1' });
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const payload = verifiedPayload(body, req.headers);
    if (!payload) {
      res.writeHead(401).end();
      return;
    }
    const key = String(req.headers['x-webhook-id'] ?? payload.message?.id);
    redis.set(`bench:dedupe:${key}`, '1', 'EX', 86_400, 'NX').then(
      (fresh) => {
        const answer = fresh === 'OK' ? '{"ok":true}' : '{"ok":true,"duplicate":true}';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length }).end(answer);
      },
      () => res.writeHead(503).end(),
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.send?.({ type: 'ready', port: (server.address() as { port: number }).port }));
process.on('disconnect', () => process.exit(0));
