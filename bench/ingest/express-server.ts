/**
 * (b) What a user writes without botyard: express 5, `express.raw()` for the signed bytes, the
 * stream-chat SDK's `client.verifyWebhook(body, signature)`, JSON.parse, 200.
 */
import express from 'express';
import { StreamChat } from 'stream-chat';
import { BENCH_KEY, BENCH_SECRET } from '../lib/payload.ts';

const client = new StreamChat(BENCH_KEY, BENCH_SECRET);
const app = express();
app.post('/webhooks/stream', express.raw({ type: '*/*', limit: '1mb' }), (req, res) => {
  const body = req.body as Buffer;
  if (!client.verifyWebhook(body, String(req.headers['x-signature'] ?? ''))) {
    res.status(401).end();
    return;
  }
  const payload = JSON.parse(body.toString('utf8'));
  res.json({ ok: true, type: payload.type });
});
const server = app.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => process.send?.({ type: 'ready', port: (server.address() as { port: number }).port }));
server.keepAliveTimeout = 65_000;
process.on('disconnect', () => process.exit(0));
