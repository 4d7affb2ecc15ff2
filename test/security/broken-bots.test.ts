/**
 * `botyard start` with a bot that fails to load (a config typo) refuses to start, naming it; with
 * --allow-broken-bots it runs the others and /readyz names the missing one.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cleanupConfigs, killAll, startBotyard, writeConfig } from '../helpers/botyard-process.ts';
import { startStreamWorld, type StreamWorld } from '../production/stream-kit.ts';
import { waitFor } from '../helpers/wait.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
let world: StreamWorld;
let config: string;

beforeAll(async () => {
  world = await startStreamWorld();
  config = writeConfig({ botsDir: path.join(here, 'fixtures/broken-bots'), bots: { strict: { strikes: 'three' } } });
});
afterAll(async () => {
  await killAll();
  await world?.close();
  cleanupConfigs();
});

it('exits non-zero naming the bot that did not load', async () => {
  const error = await startBotyard({ config, env: world.env }).then(() => undefined, (e: Error) => e.message);
  expect(error).toMatch(/exited \(1\) before listening/);
  expect(error).toMatch(/1 bot\(s\) failed to load: strict \(.*strict\.ts: invalid config \(bots\.strict\.strikes/s);
  expect(error).toContain('--allow-broken-bots');
});

it('with --allow-broken-bots runs the others, and /readyz names the missing bot', async () => {
  const proc = await startBotyard({ config, env: world.env, args: ['--allow-broken-bots'] });
  // /readyz also says 503 for 10 s after an event-loop stall (health.ts), which a loaded box gives a booting
  // process (it read 503 beside a second full run): wait for 200 rather than take the first answer.
  const ready = await waitFor(async () => {
    const r = await proc.get('/readyz');
    return r.status === 200 ? r : undefined;
  }, { timeoutMs: 30_000, what: '/readyz 200' });
  console.log(`--allow-broken-bots: /readyz ${ready.status} bots check ${JSON.stringify(ready.body.checks.bots)}`);
  expect(ready.status).toBe(200);
  expect(ready.body.checks.bots).toMatchObject({ ok: true, missing: ['strict'] });
  expect(ready.body.checks.bots.reason).toContain('bots.strict.strikes');
  expect(proc.output()).toContain('bots: greeter');
  await proc.stop();
});
