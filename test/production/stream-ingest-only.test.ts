/**
 * `botyard start --ingest-only` (queue.work: false) with real processes on one Redis: the webhook tier
 * accepts every delivery and runs nothing; the worker instance answers each event once, in order per
 * channel, and is the only one whose schedule ticks. And the flag is refused where no other process
 * could work the events (SQLite).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startBotyard, writeConfig, type BotyardProcess } from '../helpers/botyard-process.ts';
import { tearDownCluster } from '../helpers/cluster.ts';
import { describeRedis, redisClient, redisUrl, uniqueName } from '../helpers/redis.ts';
import { refusedStart } from '../helpers/refused-start.ts';
import { waitFor } from '../helpers/wait.ts';
import { deliver, inParallel, notOnce, startStreamWorld, type Seeded, type StreamWorld } from './stream-kit.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
type Loose = any;

describeRedis('production: an ingest-only instance beside a worker', () => {
  let world: StreamWorld;
  let admin: Redis;
  let prefix: string;
  let config: string;
  let ingest: BotyardProcess;
  let worker: BotyardProcess;
  /** The pids in the ticker's posts. */
  const tickers: number[] = [];
  const env = () => ({ ...world.env, REDIS_URL: redisUrl, BOTYARD_REDIS_ALLOW_VOLATILE: '1' });

  beforeAll(async () => {
    world = await startStreamWorld();
    await world.client.channel('messaging', 'ticks', { created_by_id: 'kim', members: ['kim', 'botyard'] } as Loose).create();
    world.emu.on('event', (e: Loose) => {
      const m = e.type === 'message.new' && e.cid === 'messaging:ticks' ? /pid (\d+)$/.exec(e.message.text) : null;
      if (m) tickers.push(Number(m[1]));
    });
    admin = redisClient();
    prefix = uniqueName('ingest');
    config = writeConfig({ botsDir: path.join(here, 'fixtures/ingest-bots'), redisPrefix: prefix, limits: { stream: { send: { perMinute: 100_000 } } } });
    [ingest, worker] = await Promise.all([startBotyard({ config, env: env(), args: ['--ingest-only'] }), startBotyard({ config, env: env() })]);
  }, 180_000);

  afterAll(() => tearDownCluster(world, admin, prefix));

  it('says what it is at start', async () => {
    // The banner's lines follow "listening", so they may not have been read yet when the start resolved: wait for the whole line.
    const banner = (p: BotyardProcess) => waitFor(() => /^state and queue: .*\n/m.exec(p.output())?.[0], { timeoutMs: 30_000, what: 'the state and queue banner line' });
    expect(await banner(ingest)).toContain('this instance only accepts');
    expect(await banner(worker)).not.toContain('this instance only accepts');
  });

  it('accepts every delivery and works none: the worker answers each once, in order per channel', async () => {
    const t0 = Date.now();
    const items = await world.seed('tier', 8, 10);
    const channels = new Map<string, Seeded[]>();
    for (const item of items) channels.set(item.cid, [...(channels.get(item.cid) ?? []), item]);
    const statuses: number[] = [];
    await inParallel([...channels.values()], 8, async (list) => {
      for (const item of list) statuses.push(await deliver(world, ingest.url, item));
    });
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    await waitFor(() => world.answered(items) >= items.length, { timeoutMs: 60_000, what: `${items.length} replies` });
    console.info(`[ingest-only] ${items.length} events delivered to the ingest instance, answered by the worker ${Date.now() - t0} ms after seeding began`);

    expect(notOnce(world, items)).toEqual({});
    for (const [cid, list] of channels) expect(world.replyOrder.get(cid), cid).toEqual(list.map((i) => i.messageId));
    const [atIngest, atWorker] = await Promise.all([ingest.metrics(), worker.metrics()]);
    expect(atIngest.sum('botyard_events_in_total', { outcome: 'accepted' })).toBe(items.length);
    expect(atIngest.sum('botyard_handler_runs_total')).toBe(0);
    expect(atWorker.sum('botyard_events_in_total')).toBe(0);
    expect(atWorker.sum('botyard_handler_runs_total', { bot: 'echo' })).toBe(items.length);
  });

  it("runs no schedule: every tick comes from the worker's process", async () => {
    const seen = tickers.length;
    await waitFor(() => tickers.length >= seen + 2, { timeoutMs: 30_000, what: 'two more ticks' });
    expect(new Set(tickers)).toEqual(new Set([worker.pid]));
  });

  it('is refused on SQLite, naming the flag and the fix', async () => {
    const sqlite = writeConfig({ botsDir: path.join(here, 'fixtures/echo-bots') });
    const message = await refusedStart(sqlite, world.env, ['--ingest-only']);
    expect(message).toContain('queue.work: false (botyard start --ingest-only) on SQLite');
    expect(message).toContain('Fix: set REDIS_URL and run worker instances on the same Redis');
  });
});
