/**
 * Issue 10, bot state with a real `botyard start` on its default store (SQLite): a bot's ctx.store
 * value and the moderation bot's strike count survive a restart (a SIGKILL); a corrupt or unwritable
 * store file stops the start with an error naming the path and the fix.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupConfigs, killAll, startBotyard, writeConfig, type BotyardProcess } from '../helpers/botyard-process.ts';
import { refusedStart } from '../helpers/refused-start.ts';
import { waitFor } from '../helpers/wait.ts';
import { deliver, startStreamWorld, type StreamWorld } from './stream-kit.ts';

type Loose = any;
const here = path.dirname(fileURLToPath(import.meta.url));

describe('production: bot state on the SQLite file across restarts', () => {
  let world: StreamWorld;
  const botTexts: string[] = [];

  beforeAll(async () => {
    world = await startStreamWorld();
    world.emu.on('event', (e: Loose) => {
      if (e.type === 'message.new' && e.user?.id === 'botyard') botTexts.push(e.message.text);
    });
  }, 180_000);

  afterAll(async () => {
    await killAll();
    await world?.close();
    cleanupConfigs();
  });

  it("a bot's ctx.store value and a moderation strike count survive a SIGKILL and restart", async () => {
    const config = writeConfig({ botsDir: path.join(here, 'fixtures/state-bots'), bots: { moderation: { blockedWords: ['spam'], strikesBeforeBan: 3 } } });
    /** Posts `text` as kim and waits until its handlers finished (a kill mid-handler would re-run it after the restart). */
    const say = async (p: BotyardProcess, text: string) => {
      const [item] = await world.seed('state', 1, 1, () => text);
      const before = botTexts.length;
      expect(await deliver(world, p.url, item!)).toBe(200);
      await waitFor(() => botTexts.length > before, { timeoutMs: 20_000, what: `the bot's answer to "${text}"` });
      await waitFor(async () => (await p.metrics()).sum('botyard_queue_depth') === 0, { what: 'the event finished' });
      return botTexts.at(-1)!;
    };
    const first = await startBotyard({ config, env: world.env });
    expect(await say(first, '/count')).toBe('count: 1');
    expect(await say(first, '/count')).toBe('count: 2');
    expect(await say(first, 'buy spam now')).toMatch(/Warning 1 of 2/);
    expect((await first.kill()).signal).toBe('SIGKILL');

    const second = await startBotyard({ config, env: world.env });
    expect(await say(second, '/count')).toBe('count: 3');
    expect(await say(second, 'more spam')).toMatch(/Warning 2 of 2/);
    // The third strike, two of them after the restart: only a kept count bans now.
    await say(second, 'spam again');
    expect(world.emu.state.bans().map((b: Loose) => b.user?.id ?? b.target_user_id ?? b.user_id)).toContain('kim');
    await second.stop();
  }, 90_000);

  it('a corrupt store file stops start with the path and the fix', async () => {
    const config = writeConfig({ botsDir: path.join(here, 'fixtures/echo-bots') });
    const file = path.join(path.dirname(config), '.botyard', 'botyard.db');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, Buffer.alloc(8192, 'not a database '));
    const message = await refusedStart(config, world.env);
    expect(message).toContain(`${file} is not a readable botyard database`);
    expect(message).toContain(`mv ${file} ${file}.broken`);
  }, 180_000);

  it('an unwritable store path stops start with the path and the fix', async () => {
    const config = writeConfig({ botsDir: path.join(here, 'fixtures/echo-bots'), store: { kind: 'sqlite', path: 'not-a-folder/botyard.db' } });
    const blocker = path.join(path.dirname(config), 'not-a-folder');
    writeFileSync(blocker, 'a file where the folder should be');
    const message = await refusedStart(config, world.env);
    expect(message).toContain(`${path.join(blocker, 'botyard.db')} cannot be opened for writing`);
    expect(message).toContain('Fix: make its folder exist and be writable');
  }, 180_000);
});
