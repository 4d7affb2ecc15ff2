/**
 * Issue 10 on Stream with a real `botyard start` on its default store (SQLite at .botyard/botyard.db
 * next to the config): the test plays Stream, POSTing signed webhooks at a steady rate, SIGKILLs the
 * process in the middle and restarts it. The tests run in order on the same file.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupConfigs, killAll, startBotyard, writeConfig, type BotyardProcess } from '../helpers/botyard-process.ts';
import { waitFor } from '../helpers/wait.ts';
import { deliver, inParallel, notOnce, startStreamWorld, type Seeded, type StreamWorld } from './stream-kit.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const run = promisify(execFile);

describe('production: Stream on one instance and its SQLite file', () => {
  let world: StreamWorld;
  let config: string;
  let p: BotyardProcess;
  const start = () => startBotyard({ config, env: world.env });
  const drained = (proc: BotyardProcess) => waitFor(async () => (await proc.metrics()).sum('botyard_queue_depth') === 0, { timeoutMs: 30_000, what: 'queue drained' });
  const cli = (...args: string[]) => run(process.execPath, [path.join(root, 'bin/botyard.js'), ...args, '--config', config], { cwd: root, env: { PATH: process.env.PATH ?? '', ...world.env } });

  beforeAll(async () => {
    world = await startStreamWorld();
    // Few handlers at once, each taking a while: a backlog builds up that the kill catches on disk.
    config = writeConfig({
      botsDir: path.join(here, 'fixtures/echo-bots'),
      queue: { concurrency: 4, maxAttempts: 2, backoffMs: 100 },
      // As an app whose Stream limits were raised: at the default 1,000/min, past its burst of 100 the
      // ~200 replies after the restart were paced at ~15 a second (~9 s of waiting). Pacing has its own tests.
      limits: { stream: { send: { perMinute: 100_000 } } },
    });
    p = await start();
  }, 180_000);

  afterAll(async () => {
    await killAll();
    await world?.close();
    cleanupConfigs();
  });

  it('starts on SQLite at .botyard/botyard.db by default and says so', async () => {
    const file = path.join(path.dirname(config), '.botyard', 'botyard.db');
    expect(existsSync(file)).toBe(true);
    const banner = await waitFor(() => /state and queue: .*/.exec(p.output())?.[0], { what: 'the banner line' });
    expect(banner).toBe(`state and queue: SQLite at ${file} (durable across restarts and crashes; one process: set REDIS_URL to run several instances)`);
  });

  it('keeps no process beside it once started: the esbuild service that bundled its bots is stopped', async () => {
    // Children of the runtime's process, from /proc (esbuild's service alone held ~16 MB for the process's life).
    const children = () => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const [ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(1);
        return Number(ppid) === p.pid ? [readFileSync(`/proc/${d}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
    await waitFor(() => children().length === 0, { timeoutMs: 30_000, what: 'no child process left' }).catch((err: Error) => {
      throw new Error(`${err.message}; still there: ${children().join('; ')}`);
    });
  });

  it('SIGKILL mid-stream → after a restart every acknowledged event is answered exactly once; redeliveries are duplicates', async () => {
    const items = await world.seed('kill', 60, 5, (c, n) => `kill ${c}.${n} sleep=40`);
    // Channel by channel in message order, a round of 6 every ~15 ms: a steady stream.
    const order = [...items].sort((x, y) => x.text.localeCompare(y.text, 'en', { numeric: true }));
    const acked: Seeded[] = [];
    const lost: Seeded[] = [];
    let killedAt = -1;
    const killing = (async () => {
      await waitFor(async () => world.answered(items) >= 20 && (await p.metrics()).sum('botyard_queue_depth') >= 20, { timeoutMs: 30_000, intervalMs: 20, what: 'a backlog under way' });
      killedAt = acked.length;
      expect((await p.kill()).signal).toBe('SIGKILL');
    })();
    const t0 = Date.now();
    for (let i = 0; i < order.length; i += 6) {
      const round = order.slice(i, i + 6);
      const statuses = await Promise.all(round.map((item) => deliver(world, p.url, item)));
      round.forEach((item, k) => (statuses[k] === 200 ? acked : lost).push(item));
      await new Promise((r) => setTimeout(r, 15));
    }
    await killing;
    const answeredAtKill = world.answered(items);
    console.info(`[sqlite sigkill] ${acked.length} acked (${killedAt} when the kill started), ${lost.length} refused, ${answeredAtKill} answered at the kill, posting took ${Date.now() - t0} ms`);
    expect(acked.length, 'deliveries acknowledged before the kill').toBeGreaterThan(40);
    expect(lost.length, 'deliveries refused after the kill').toBeGreaterThan(0);
    expect(answeredAtKill, 'acked events still queued at the kill').toBeLessThan(acked.length);

    const t1 = Date.now();
    p = await start();
    console.info(`[sqlite sigkill] restarted in ${Date.now() - t1} ms`);
    // Stream redelivers everything it did not see acknowledged; here every item is redelivered once more.
    const redelivered: number[] = [];
    await inParallel(order, 16, async (item) => void redelivered.push(await deliver(world, p.url, item, 2)));
    expect(redelivered.filter((s) => s !== 200)).toEqual([]);
    await waitFor(() => world.answered(items) >= items.length, { timeoutMs: 60_000, what: 'every event answered' });
    await drained(p);
    expect(notOnce(world, items)).toEqual({});
    const m = await p.metrics();
    const duplicates = m.sum('botyard_events_in_total', { platform: 'stream', outcome: 'duplicate' });
    const accepted = m.sum('botyard_events_in_total', { platform: 'stream', outcome: 'accepted' });
    // Every acked event was on disk: its redelivery is a duplicate. A refused one may have reached the disk just before the kill.
    expect(duplicates).toBeGreaterThanOrEqual(acked.length);
    expect(duplicates + accepted).toBe(items.length);
    expect(accepted).toBeLessThanOrEqual(lost.length);
  }, 120_000);

  it('a second start on the same file is refused, naming the holder and Redis', async () => {
    const second = await start().then(() => undefined, (err: Error) => err.message);
    expect(second).toContain(`${path.join(path.dirname(config), '.botyard', 'botyard.db')} is in use by botyard process ${p.pid}`);
    expect(second).toContain('REDIS_URL');
    // The running one is unharmed: ready, and its store answers. Waited on, as operations.test.ts does: /readyz also
    // says 503 for 10 s after an event-loop stall (health.ts), which a loaded box gives a process while another boots.
    const ready = await waitFor(async () => {
      const r = await p.get('/readyz');
      if (r.status !== 200) console.log(`/readyz ${r.status} while the refused start ended: ${JSON.stringify(r.body?.checks)}`);
      return r.status === 200 ? r : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500, what: '/readyz 200 on the running instance' });
    expect(ready.body.checks.store).toEqual({ ok: true });
  }, 180_000);

  it('dead letters are listed and replayed by the CLI while start runs', async () => {
    const [failing] = await world.seed('dead', 1, 1, () => 'please-fail on sqlite');
    expect(await deliver(world, p.url, failing!)).toBe(200);
    const id = `stream:message.new:${failing!.messageId}`;
    // Wait on the running process's own gauge (a scrape), then ask the CLI once: polling the CLI itself
    // started a whole botyard process every 200 ms (a second or more of CPU each) until the letter was there.
    await waitFor(async () => (await p.metrics()).sum('botyard_dead_letters') >= 1, { timeoutMs: 20_000, what: 'a dead letter (botyard_dead_letters)' });
    const { stdout } = await cli('dead-letters', '--json');
    const letters = JSON.parse(stdout) as Array<{ event: { id: string }; attempts: number; error: string }>;
    expect(letters.find((l) => l.event.id === id)).toMatchObject({ attempts: 2, error: expect.stringContaining('asked to fail') });
    const failedBefore = (await p.metrics()).sum('botyard_handler_runs_total', { bot: 'echo', result: 'failed' });
    expect((await cli('replay', id)).stdout).toMatch(/replayed .*works it within a second/);
    // It fails again (the bot still refuses): two more tries, then back among the dead letters.
    await waitFor(async () => (await p.metrics()).sum('botyard_handler_runs_total', { bot: 'echo', result: 'failed' }) === failedBefore + 2, { timeoutMs: 20_000, what: 'the replay to run' });
    await expect(cli('replay', 'stream:message.new:no-such')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("no dead letter 'stream:message.new:no-such'") });
  }, 180_000);
});
