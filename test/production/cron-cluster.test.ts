/**
 * Issue 5, schedules: a one-second schedule on two `botyard start` instances sharing Redis posts
 * exactly once per tick. Each post says which process ran it; a tick run by both would show up as a
 * second SendMessage call (refused by the emulator as a duplicate id), so the count of calls is checked
 * too, not only the posts.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { StreamChat } from 'stream-chat';
import { startStreamEmulator, type StreamEmulator } from '../../src/emulator/stream/index.ts';
import { startBotyard, writeConfig, type BotyardProcess } from '../helpers/botyard-process.ts';
import { describeRedis, redisClient, redisUrl, uniqueName } from '../helpers/redis.ts';
import { tearDownCluster } from '../helpers/cluster.ts';
import { waitFor } from '../helpers/wait.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
type Loose = any;

describeRedis('production: a schedule on two instances', () => {
  let emu: StreamEmulator;
  let admin: Redis;
  let prefix: string;
  let a: BotyardProcess;
  let b: BotyardProcess;
  /** Posts by slot (ISO time), each with the pid that ran it. */
  const posts = new Map<string, number[]>();

  beforeAll(async () => {
    emu = await startStreamEmulator();
    admin = redisClient();
    prefix = uniqueName('cron');
    const client = new StreamChat(emu.apiKey, emu.apiSecret, { baseURL: emu.url, timeout: 30_000 });
    await client.upsertUsers([{ id: 'kim' }, { id: 'botyard', name: 'Botyard' }]);
    await client.channel('messaging', 'ticks', { created_by_id: 'kim', members: ['kim', 'botyard'] } as Loose).create();
    emu.on('event', (e: Loose) => {
      const m = e.type === 'message.new' && e.cid === 'messaging:ticks' ? /^tick (\S+) pid (\d+)$/.exec(e.message.text) : null;
      if (m) posts.set(m[1]!, [...(posts.get(m[1]!) ?? []), Number(m[2])]);
    });
    const config = writeConfig({ botsDir: path.join(here, 'fixtures/tick-bots'), redisPrefix: prefix });
    // The test Redis keeps nothing on disk: say so, or botyard start refuses it (README: Redis in production).
    const env = { ...emu.env, REDIS_URL: redisUrl, BOTYARD_REDIS_ALLOW_VOLATILE: '1' };
    [a, b] = await Promise.all([startBotyard({ config, env }), startBotyard({ config, env })]);
  }, 180_000);

  afterAll(() => tearDownCluster(emu, admin, prefix));

  it('a one-second schedule posts exactly once per tick over six ticks', async () => {
    // The first whole second at which both instances were surely running their schedules.
    const first = Math.ceil(Date.now() / 1000) * 1000 + 1000;
    const slots = Array.from({ length: 6 }, (_, i) => new Date(first + i * 1000).toISOString());
    const callsBefore = emu.requests.count('SendMessage');
    const postsBefore = [...posts.values()].flat().length;
    await waitFor(() => slots.every((s) => posts.has(s)) && posts.has(new Date(first + 6_000).toISOString()), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'six ticks posted',
    });
    await emu.webhooksIdle();
    expect(a.child.exitCode ?? b.child.exitCode).toBeNull(); // both ran throughout
    expect(slots.map((s) => posts.get(s)?.length)).toEqual(slots.map(() => 1));
    const runners = new Set(slots.map((s) => posts.get(s)![0]));
    for (const pid of runners) expect([a.pid, b.pid]).toContain(pid);
    // Every SendMessage since is one post: no instance ran a tick the other had already won.
    const postsSince = [...posts.values()].flat().length - postsBefore;
    expect(emu.requests.count('SendMessage') - callsBefore).toBe(postsSince);
    expect(emu.requests.count('SendMessage', 'failed')).toBe(0);
    // The claims that elected one instance per tick are in Redis.
    for (const s of slots) expect(await admin.exists(`${prefix}:cron:ticker:every-second:${s}`), s).toBe(1);
    console.info(`[cron] six ticks, run by ${[...runners].map((pid) => `${pid === a.pid ? 'A' : 'B'}×${slots.filter((s) => posts.get(s)![0] === pid).length}`).join(', ')}`);
  }, 180_000);
});
