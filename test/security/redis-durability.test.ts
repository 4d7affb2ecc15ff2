/**
 * `botyard start` against private redis-servers (never the shared one): setups that can lose
 * acknowledged events silently are refused with the exact setting to change; durable ones start and
 * lose nothing across a Redis crash; a wrong Redis password never reaches a log line.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupConfigs, killAll, scratchDir, startBotyard, writeConfig, type BotyardProcess } from '../helpers/botyard-process.ts';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.ts';
import { refusedStart } from '../helpers/refused-start.ts';
import { waitFor } from '../helpers/wait.ts';
import { deliver, startStreamWorld, type StreamWorld } from '../production/stream-kit.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const echoBots = path.join(here, '../production/fixtures/echo-bots');
let world: StreamWorld;
const servers: RedisServer[] = [];

beforeAll(async () => {
  world = await startStreamWorld();
});
afterAll(async () => {
  await killAll();
  await Promise.all(servers.map((s) => s.stop()));
  await world?.close();
  cleanupConfigs();
});

async function redis(args: string[], options: { password?: string } = {}): Promise<RedisServer> {
  const server = await startRedisServer({
    args,
    dir: scratchDir('redis'),
    ...(options.password ? { probeUrl: (port: number) => `redis://:${options.password}@127.0.0.1:${port}` } : {}),
  });
  servers.push(server);
  return server;
}

/** Starts botyard; resolves with the process, or with the output it printed before exiting. */
async function start(redisUrl: string, config: Record<string, unknown> = {}, env: Record<string, string> = {}): Promise<{ proc?: BotyardProcess; output: string }> {
  const file = writeConfig({ botsDir: echoBots, redisPrefix: `sec${Date.now()}`, ...config });
  try {
    const proc = await startBotyard({ config: file, env: { ...world.env, REDIS_URL: redisUrl, ...env } });
    return { proc, output: proc.output() };
  } catch (error) {
    return { output: (error as Error).message };
  }
}

/** A start that must be refused (in process: refused-start.ts); resolves with what it printed. */
function refuse(redisUrl: string): Promise<string> {
  return refusedStart(writeConfig({ botsDir: echoBots, redisPrefix: `sec${Date.now()}` }), { ...world.env, REDIS_URL: redisUrl });
}

describe('Redis durability at start', () => {
  it('refuses a Redis without persistence, saying exactly what to set; starts with allowVolatile', async () => {
    const volatile = await redis(['--save', '', '--appendonly', 'no']);
    const refused = await refuse(volatile.url);
    expect(refused).toMatch(/keeps nothing on disk \(appendonly no, save ""\).*CONFIG SET appendonly yes.*redis\.allowVolatile: true/s);
    const allowed = await start(volatile.url, { redis: { allowVolatile: true } });
    expect(allowed.proc).toBeDefined();
    expect(allowed.proc!.logs().some((l) => l.level === 40 && String(l.msg).includes('keeps nothing on disk'))).toBe(true);
    await allowed.proc!.stop();
  });

  it('refuses an evicting maxmemory-policy', async () => {
    const evicting = await redis(['--appendonly', 'yes', '--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru']);
    const refused = await refuse(evicting.url);
    expect(refused).toMatch(/maxmemory-policy allkeys-lru.*CONFIG SET maxmemory-policy noeviction/s);
  });

  it('reads INFO when CONFIG is disabled: AOF on starts, AOF off is refused as unconfirmed', async () => {
    const managedDurable = await redis(['--appendonly', 'yes', '--rename-command', 'CONFIG', '']);
    const ok = await start(managedDurable.url);
    expect(ok.proc).toBeDefined();
    await ok.proc!.stop();
    const managedVolatile = await redis(['--save', '60 1', '--rename-command', 'CONFIG', '']);
    const refused = await refuse(managedVolatile.url);
    expect(refused).toMatch(/CONFIG is disabled.*appendonly yes/s);
  });

  it('starts on RDB-only persistence with a warning about the window it can lose', async () => {
    const rdb = await redis(['--save', '60 1', '--appendonly', 'no']);
    const { proc } = await start(rdb.url);
    expect(proc).toBeDefined();
    expect(proc!.logs().some((l) => l.level === 40 && /RDB snapshots only.*appendonly yes/.test(String(l.msg)))).toBe(true);
    await proc!.stop();
  });

  it('with AOF (appendfsync always), a Redis crash (SIGKILL) loses none of the acknowledged events', { timeout: 90_000 }, async () => {
    const durable = await redis(['--appendonly', 'yes', '--appendfsync', 'always']);
    const { proc } = await start(durable.url, { queue: { concurrency: 1 } });
    expect(proc).toBeDefined();
    // Slow handlers keep most events queued in Redis when it dies.
    const items = await world.seed('crash', 1, 30, (_c, n) => `sleep=100 crash ${n}`);
    for (const item of items) expect(await deliver(world, proc!.url, item)).toBe(200);
    const answeredAtCrash = world.answered(items);
    const killed = Date.now();
    await durable.crash();
    await durable.restart();
    await waitFor(() => world.answered(items) >= items.length, { timeoutMs: 60_000, intervalMs: 100, what: 'every acknowledged event answered' });
    const missing = items.filter((i) => (world.replies.get(i.messageId) ?? 0) === 0).length;
    console.log(`redis crash with AOF: ${items.length} acknowledged, ${answeredAtCrash} answered before the crash, ${missing} lost; all answered ${Date.now() - killed} ms after the kill`);
    expect(missing).toBe(0);
    await proc!.stop();
  });
});

describe('secrets in logs', () => {
  it('a wrong Redis password appears in no log line (at start, and while reconnecting after a password change)', { timeout: 60_000 }, async () => {
    const password = 'hunter2-redis-password';
    const server = await redis(['--appendonly', 'yes', '--requirepass', password], { password });
    const url = `redis://:${password}@127.0.0.1:${server.port}`;
    // 1. At start: the password is wrong from the beginning.
    const wrong = 'wrong-pass-5f3a9c';
    // A real process here, not refusedStart: its log lines (pino, stdout) are what must not leak.
    const refused = await start(`redis://:${wrong}@127.0.0.1:${server.port}`);
    expect(refused.proc).toBeUndefined();
    expect(refused.output).toMatch(/WRONGPASS|NOAUTH|invalid username-password/);
    // 2. While running: the server's password changes and every reconnect (queue, store) fails AUTH.
    const { proc } = await start(url);
    expect(proc).toBeDefined();
    const admin = new Redis(url);
    await admin.call('CONFIG', 'SET', 'requirepass', 'rotated-away-123456');
    await admin.call('CLIENT', 'KILL', 'TYPE', 'normal');
    admin.disconnect();
    const failures = () => proc!.output().split('\n').filter((l) => /WRONGPASS|NOAUTH|invalid username-password/.test(l)).length;
    await waitFor(() => failures() >= 3, { timeoutMs: 20_000, intervalMs: 100, what: 'reconnect failures logged' });
    const lines = [...refused.output.split('\n'), ...proc!.output().split('\n')];
    const leaks = lines.filter((l) => l.includes(password) || l.includes(wrong));
    console.log(`wrong Redis password: ${lines.length} output lines (${failures()} about the failed AUTH), ${leaks.length} contain a password`);
    expect(leaks).toEqual([]);
    await proc!.kill();
  });
});
