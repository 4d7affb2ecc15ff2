/**
 * (a) The floor: node:http reading the raw body, HMAC-SHA256 check (constant time), JSON.parse, an
 * in-memory dedupe set, 200. Nothing botyard does can be cheaper than this.
 */
import { createServer } from 'node:http';
import { verifiedPayload } from './verify.ts';

const seen = new Set<string>();
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
    const fresh = !seen.has(key);
    if (fresh) seen.add(key);
    if (seen.size > 1_000_000) seen.clear();
    const answer = fresh ? '{"ok":true}' : '{"ok":true,"duplicate":true}';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': answer.length }).end(answer);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => process.send?.({ type: 'ready', port: (server.address() as { port: number }).port }));
process.on('disconnect', () => process.exit(0));
// An orderly exit on SIGINT (how focus.ts stops its servers), so `node --cpu-prof` writes its profile.
process.on('SIGINT', () => process.exit(0));
