/**
 * The dev console: a page at `/` where a bot author chats with their bots on the emulated platforms,
 * watches every inbound event and what the bots did with it, runs schedules and fires timers by hand,
 * and makes the emulators misbehave (faults) to see the bots cope.
 *
 * It talks to the emulators as a user would (see platform.ts), so what it shows is what a real client
 * would see. Assets are plain files in ./public, served as they are: nothing to build.
 */
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { acsAdminClient } from '../emulator/acs/admin-client.ts';
import type { AcsEmulator } from '../emulator/acs/index.ts';
import { streamAdminClient } from '../emulator/stream/admin-client.ts';
import type { StreamEmulator } from '../emulator/stream/index.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { createAcsPlatform } from './acs-platform.ts';
import { createFaultPanel, type FaultAdmin, type FaultPanel } from './faults.ts';
import { createFeed } from './feed.ts';
import { createInspector } from './inspector.ts';
import type { ConsolePlatform } from './platform.ts';
import { createApiRouter } from './routes.ts';
import { createStreamPlatform } from './stream-platform.ts';
import type { ConsoleUser } from './types.ts';

export type * from './types.ts';

export interface ConsoleOptions {
  runtime: Runtime;
  /** The Stream emulator the runtime talks to; without it the console shows no Stream side. */
  stream?: StreamEmulator;
  /** The ACS emulator the runtime talks to; without it the console shows no ACS side. */
  acs?: AcsEmulator;
}

export interface DevConsole {
  /** Serves `/` (the page), `/console/assets/*` and `/console/api/*`. */
  router: Router;
  /** Ends open live feeds and unsubscribes from the emulators and the runtime. */
  close(): void;
}

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/** The fault panel over each emulator's admin route, as `botyard emulator fault` reaches them. */
function createFaultPanelFor(options: ConsoleOptions): FaultPanel | undefined {
  const admins = new Map<string, FaultAdmin>();
  const { stream, acs } = options;
  if (stream) admins.set('stream', streamAdminClient({ baseUrl: stream.url, apiKey: stream.apiKey, apiSecret: stream.apiSecret }));
  if (acs) admins.set('acs', acsAdminClient({ connectionString: acs.connectionString, caPem: acs.caPem }));
  return admins.size ? createFaultPanel(admins) : undefined;
}

/** Builds the console without mounting it (for callers that need `close()`). */
export function createConsole(options: ConsoleOptions): DevConsole {
  const { runtime } = options;
  const botOf = (platform: 'stream' | 'acs') => (): ConsoleUser | undefined => {
    const u = runtime.adapters.get(platform)?.botUser;
    return u?.id ? { id: u.id, name: u.name ?? runtime.config.bot.name, isBot: true } : undefined;
  };
  const platforms = new Map<string, ConsolePlatform>();
  if (options.stream) platforms.set('stream', createStreamPlatform(options.stream, botOf('stream')));
  if (options.acs) platforms.set('acs', createAcsPlatform(options.acs, botOf('acs')));

  const feed = createFeed();
  const faults = createFaultPanelFor(options);
  const inspector = createInspector(runtime, (platform, kind, id) => platforms.get(platform)?.nameOf(kind, id));
  const unwatch = [...platforms.values()].map((p) =>
    p.watch((change) => {
      if (change.id) feed.changed(`${p.name}:${change.id}`);
      if (change.everywhere) feed.changed(`${p.name}:*`);
      if (change.list) feed.conversations();
      if (change.users) feed.users(p.name);
    }),
  );
  // The emulator's side of each before-send call is the decision line's raw payload.
  const unPreSend = options.stream?.on('preSend', (call) => inspector.attachRaw(`before-send:${call.webhookId}`, call));
  // A timer scheduled, cancelled, fired or failed: the timers list changed.
  const onTimer = () => feed.send('timers', {});
  runtime.events.on('timer', onTimer);
  const unInspect = inspector.onEntry((entry) => {
    feed.send('inspector', entry);
    if (entry.kind === 'schedule') feed.send('schedules', {});
  });

  const router = express.Router();
  router.get('/', (_req, res) => res.sendFile('index.html', { root: PUBLIC_DIR }));
  router.use('/console/assets', express.static(PUBLIC_DIR, { index: false }));
  router.use('/console/api', createApiRouter({ runtime, platforms, inspector, feed, ...(faults ? { faults } : {}) }));

  return {
    router,
    close() {
      unInspect();
      unPreSend?.();
      runtime.events.off('timer', onTimer);
      for (const u of unwatch) u();
      for (const p of platforms.values()) p.close();
      inspector.close();
      feed.close();
    },
  };
}
