import { loadConfig } from '../../config/load.ts';
import { ConfigError } from '../../errors.ts';
import { releaseBundler } from '../../runtime/import-fresh.ts';
import type { CliCommand } from '../command.ts';
import { describeBoot, untilSignal } from '../lifecycle.ts';

export const startCommand: CliCommand = {
  name: 'start',
  help: `Usage: botyard start [--config bot.config.ts] [--port 3000] [--allow-broken-bots] [--ingest-only]

Runs the bots in bots/ against the platforms whose credentials are set:
  Stream  STREAM_API_KEY, STREAM_API_SECRET (STREAM_BASE_URL optional)
  ACS     ACS_CONNECTION_STRING (ACS_BOT_USER_ID optional)
State and the event queue live in SQLite at .botyard/botyard.db (durable, one process), or in
Redis when REDIS_URL is set (durable, shared by instances); store in bot.config.ts chooses.
SIGTERM or SIGINT stops intake, finishes in-flight events, and exits 0.
A bot that fails to load stops the start (exit 1) unless --allow-broken-bots, which runs the
others and names the missing ones in /readyz.
--ingest-only (Redis): accept webhooks and ACS polls into the queue, and leave the events, timers
and schedules to the instances started without it (queue.work: false in bot.config.ts).
With REDIS_URL, Redis must persist (appendonly yes) and never evict (maxmemory-policy noeviction),
or the start is refused; redis.allowVolatile: true in bot.config.ts accepts a volatile Redis.

Example:
  STREAM_API_KEY=key STREAM_API_SECRET=secret REDIS_URL=redis://127.0.0.1:6379 botyard start --port 8080`,
  async run(_args, flags, io) {
    // The runtime's modules load while bot.config.ts compiles (esbuild works in a process of its own),
    // not at the top, so that `botyard start --help` does not pay for them.
    const modules = Promise.all([import('../../runtime/boot.ts'), import('../../runtime/log.ts'), import('../../runtime/storage.ts')]);
    modules.catch(() => undefined); // awaited below, unless the config fails first
    const config = await loadConfig({ env: io.env, cwd: io.cwd, ...(typeof flags.config === 'string' ? { file: flags.config } : {}) });
    if (!config.env.STREAM_API_KEY && !config.env.ACS_CONNECTION_STRING) {
      throw new ConfigError(['no platform configured: set STREAM_API_KEY and STREAM_API_SECRET, or ACS_CONNECTION_STRING. Fix: export them, or use `botyard dev` to run against the local emulators']);
    }
    if ([true, 'true'].includes(flags['ingest-only']!)) config.queue.work = false;
    const [{ boot }, { createLogger }, { chooseStore, refuseThrowawayAcsIdentity }] = await modules;
    const store = chooseStore(config, { kind: 'sqlite', cwd: io.cwd });
    refuseThrowawayAcsIdentity(store, config);
    const log = createLogger({ level: config.env.LOG_LEVEL ?? config.logLevel });
    const refuseBrokenBots = ![true, 'true'].includes(flags['allow-broken-bots']!);
    const booted = await boot({ config, log, store, refuseBrokenBots, ...(typeof flags.port === 'string' ? { port: Number(flags.port) } : {}) });
    // The bots and the config are bundled: nothing is bundled again until the next start (dev reloads, start does not).
    releaseBundler();
    describeBoot(booted, io);
    return untilSignal(() => booted.stop(config.shutdownTimeoutMs), io);
  },
};
