/**
 * A lower bound for (d), not a baseline of the issue: the least a durable Redis event queue can do per
 * delivery, to learn how much of (d)'s gap to (a-redis) any durable queue must pay. node:http, the HMAC
 * check and JSON.parse of the floor, then:
 *   accept  one script (SET NX EX the dedupe mark; if fresh, RPUSH the body), auto-pipelined as the
 *           floor's AUTOPIPELINE=1 variant is, answered 200 when Redis has it;
 *   work    one consumer: a script moves up to 32 bodies to a processing list and returns them; each goes
 *           to a no-op handler unparsed (botyard works the events it accepted from memory, so neither
 *           parses twice); one DEL of the processing list acknowledges the batch.
 * That is ~4 Redis commands per event (the floor: 1), with none of what botyard's queue keeps: no order
 * within a conversation, no retries or dead letters, no leases, one consumer only (its processing list is
 * what a restart would re-run). GET /metrics answers `botyard_queue_depth` so the bench's drain check works.
 *
 *   npx tsx bench/ingest/focus.ts --paired bareRedis minQueue d
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { answerDelivery, onVerifiedWebhook } from './verify.ts';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/13', { enableAutoPipelining: true });
const consumer = redis.duplicate();
const QUEUE = 'bench:minq:queue';
const PROCESSING = 'bench:minq:processing';

redis.defineCommand('minqAccept', {
  numberOfKeys: 2,
  lua: "if redis.call('SET', KEYS[1], '1', 'EX', 86400, 'NX') then redis.call('RPUSH', KEYS[2], ARGV[1]) return 1 end return 0",
});
consumer.defineCommand('minqTake', {
  numberOfKeys: 2,
  lua: "local items = redis.call('LPOP', KEYS[1], ARGV[1]) if not items then return {} end redis.call('RPUSH', KEYS[2], unpack(items)) return items",
});
type Scripted = Redis & {
  minqAccept(mark: string, queue: string, body: Buffer): Promise<number>;
  minqTake(queue: string, processing: string, n: number): Promise<string[]>;
};

let accepted = 0;
let worked = 0;
let wake: (() => void) | undefined;

async function work(): Promise<void> {
  for (;;) {
    const items = await (consumer as Scripted).minqTake(QUEUE, PROCESSING, 32);
    if (items.length === 0) {
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    for (const item of items) handle(item);
    await consumer.del(PROCESSING);
    worked += items.length;
  }
}
const handle = (_event: unknown) => undefined;

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`botyard_queue_depth ${accepted - worked}\n`);
    return;
  }
  accept(req, res);
});
const accept = onVerifiedWebhook((res, key, body) => {
  (redis as Scripted).minqAccept(`bench:minq:seen:${key}`, QUEUE, body).then(
    (fresh) => {
      if (fresh === 1) {
        accepted++;
        wake?.();
        wake = undefined;
      }
      answerDelivery(res, fresh === 1);
    },
    () => res.writeHead(503).end(),
  );
});
server.keepAliveTimeout = 65_000;
void work();
server.listen(0, '127.0.0.1', () => process.send?.({ type: 'ready', port: (server.address() as { port: number }).port }));
process.on('disconnect', () => process.exit(0));
