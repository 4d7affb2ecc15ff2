/**
 * `startDevStack` failing part-way stops all it started: here hot reload cannot watch the bots folder
 * (it does not exist). The error names the folder and the fix; no server, socket or watcher is left
 * open, and the same project starts again at once (the SQLite store's lock was released).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startDevStack } from '../../src/cli/dev-stack.ts';
import { openDevWatchers } from '../../src/cli/dev-watch.ts';
import { loadConfig } from '../../src/config/load.ts';
import type { BotRegistry } from '../../src/runtime/bot-registry.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { waitFor } from '../helpers/wait.ts';

const project = mkdtempSync(path.join(tmpdir(), 'botyard-dev-failure-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** Open servers, sockets and file watchers of this process, by kind. */
function openResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) if (/TCP|FSEvent|StatWatcher/.test(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

it('a bots folder hot reload cannot watch: a clear error, and nothing left running', async () => {
  const before = openResources();
  const start = (watch: boolean) =>
    startDevStack({ env: {}, cwd: project, log: silentLogger, port: 0, watch, persist: {}, config: { botsDir: 'my-bots' } });
  const failed = await start(true).then(
    () => undefined,
    (err: Error & { code?: string }) => err,
  );
  expect(failed?.code).toBe('BOTS_DIR_MISSING');
  expect(failed?.message).toContain(`the bots folder ${path.relative(process.cwd(), path.join(project, 'my-bots'))} (botsDir 'my-bots') does not exist`);
  expect(failed?.message).toMatch(/Fix: create it .*botsDir in bot\.config\.ts/);
  // The emulators' and the runtime's servers, their sockets and any watcher are closed (sockets close a moment later).
  await waitFor(() => JSON.stringify(openResources()) === JSON.stringify(before), { what: `open servers, sockets and watchers back to ${JSON.stringify(before)}` });

  // With the folder made, the same project starts: the store's lock was let go.
  mkdirSync(path.join(project, 'my-bots'));
  const stack = await start(true);
  expect(stack.booted.runtime.bots.names()).toEqual([]);
  await stack.stop();
}, 60_000);

it('when the second watcher fails the first is closed, and a watcher error says which folder and what to do', async () => {
  mkdirSync(path.join(project, 'watched', 'sub'), { recursive: true });
  const config = await loadConfig({ env: {}, cwd: project, config: { botsDir: 'watched' } });
  // The watchers reach the registry only when a file changes.
  const registry = {} as BotRegistry;
  const watchers = () => openResources().FSEventWrap ?? 0;
  // Handles close a moment after close() (Node releases them asynchronously).
  const noWatchers = (what: string) => waitFor(() => watchers() === 0, { what });
  await noWatchers('no watcher open to begin with');
  // bot.config.ts in a folder that is not there: its watcher fails after the bots folder's opened.
  const broken = { ...config, configFile: path.join(project, 'gone', 'bot.config.ts') };
  expect(() => openDevWatchers({ config: broken, registry, log: silentLogger, load: async () => config })).toThrow(/ENOENT/);
  await noWatchers("the bots folder's watcher closed after the config watcher failed");
  const missing = { ...config, botsPath: path.join(project, 'not-there'), configFile: undefined };
  expect(() => openDevWatchers({ config: missing, registry, log: silentLogger, load: async () => config })).toThrow(
    /cannot watch the bots folder .*not-there for changes .*Fix: make sure it is a readable folder, or set botsDir in bot\.config\.ts/,
  );
  const ok = openDevWatchers({ config, registry, log: silentLogger, load: async () => config });
  expect(watchers()).toBeGreaterThan(0);
  ok.close();
  await noWatchers('the watchers closed');
});
