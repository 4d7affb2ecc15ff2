/**
 * Issue 11 with a real process on SQLite: one `botyard start` runs the reminders bot on a database
 * file; 200 `/remind in 40s` commands arrive as signed Stream webhooks; the process is SIGKILLed before
 * any is due and started again on the same file. Every reminder must be posted exactly once, at its time.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanupConfigs, killAll, scratchDir, startBotyard, writeConfig, type BotyardProcess } from '../helpers/botyard-process.ts';
import { waitFor } from '../helpers/wait.ts';
import { seedReminders } from './reminders-kit.ts';
import { deliver, inParallel, startStreamWorld, type StreamWorld } from './stream-kit.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * How late after its due time a reminder may land and still count as "at its time". 200 fall due within
 * about two seconds and one process posts them all; here (2 cores shared by several test runs) the last
 * has landed 0.5 to 2.5 s late. The printed lateness figures are the measure; this bound only catches a
 * timer that waited for something (a poll, a lock) instead of firing. 10 s was overrun beside another full
 * run at load average 19 (the survivor starved of CPU, not waiting on anything): 20 s.
 */
const SLACK_MS = 20_000;

let world: StreamWorld;
let config: string;
let first: BotyardProcess;

beforeAll(async () => {
  world = await startStreamWorld();
  config = writeConfig({
    botsDir: path.join(here, 'fixtures/reminder-bots'),
    store: { kind: 'sqlite', path: path.join(scratchDir('timers-sqlite'), 'botyard.db') },
    // Stream's documented 1,000 sends/min (burst 100) would pace 200 posts due within a second over
    // several seconds: lift it, so lateness measures the timers and not the pacing.
    limits: { stream: { send: { perMinute: 100_000, burst: 1000 } } },
  });
  first = await startBotyard({ config, env: world.env });
}, 180_000);

afterAll(async () => {
  await killAll();
  await world?.close();
  cleanupConfigs();
});

it('200 reminders, the process SIGKILLed before they are due and restarted: each posted exactly once, at its time', async () => {
  const t0 = Date.now();
  const { items, tally } = await seedReminders(world, 's', 50, 4, 40);
  const t1 = Date.now();
  await inParallel(items, 16, async (item) => {
    expect(await deliver(world, first.url, item)).toBe(200);
  });
  await waitFor(() => world.answered(items) >= 200, { timeoutMs: 30_000, what: '200 confirmations' });
  const firstDue = Math.min(...tally.due.values());
  const t2 = Date.now();
  await first.kill();
  const second = await startBotyard({ config, env: world.env });
  const t3 = Date.now();
  // The restart must be up before any reminder is due, or this tests late firing instead. 30 s was not enough
  // for 200 confirmations, a kill and a restart beside another full run at load average 19: 40 s, as on Redis.
  expect(firstDue - t3, 'time left before the first reminder is due, once restarted').toBeGreaterThan(1000);
  console.info(`[timers/sqlite] seeded in ${t1 - t0} ms, 200 scheduled and confirmed in ${t2 - t1} ms, killed and restarted in ${t3 - t2} ms, ${firstDue - t3} ms before the first was due`);

  const lastDue = Math.max(...tally.due.values());
  await waitFor(() => tally.posted.size >= 200, { timeoutMs: lastDue - Date.now() + 30_000, intervalMs: 100, what: '200 reminders posted' });
  // A reminder posted twice would show up once the process has nothing left to run.
  await waitFor(async () => (await second.metrics()).sum('botyard_timers_total', { kind: 'fired' }) >= 200, { timeoutMs: 10_000, what: '200 timers fired' });
  await world.emu.webhooksIdle();
  expect(tally.notOnce()).toEqual({});
  expect(tally.offTime(SLACK_MS)).toEqual({});
  const lateness = [...tally.due].map(([text, at]) => tally.posted.get(text)![0]! - at).sort((x, y) => x - y);
  console.info(`[timers/sqlite] 200 reminders after the restart; lateness p50 ${lateness[100]} ms, p90 ${lateness[180]} ms, max ${lateness[199]} ms`);
  await second.stop();
}, 120_000);
