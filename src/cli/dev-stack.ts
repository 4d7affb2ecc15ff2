/**
 * The whole `botyard dev` stack in one call: the emulators of the platforms the environment does not
 * configure, the runtime with the real adapters pointed at them, the HTTP server with the console at
 * `/`, and Stream's webhooks and before-send hook aimed at the runtime. `botyard dev` and the console's browser tests share it.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { createConsole, type DevConsole } from '../console/index.ts';
import { loadConfig, type BotyardConfig } from '../config/load.ts';
import type { FileConfigInput } from '../config/schema.ts';
import { startAcsEmulator, type AcsEmulator } from '../emulator/acs/index.ts';
import { startStreamEmulator, type StreamEmulator } from '../emulator/stream/index.ts';
import { boot, type Booted } from '../runtime/boot.ts';
import { chooseStore } from '../runtime/storage.ts';
import { clearEmulatorState, clearRuntimeState, devStatePaths, forgetUnknownAcsIdentity } from './dev-state.ts';
import { openDevWatchers, requireBotsFolder, type Watchers } from './dev-watch.ts';
import { createLogger } from '../runtime/log.ts';
import { subscribeEmulator, useEmulatorTenant } from './dev-event-grid.ts';

export interface DevStackOptions {
  /** Where bot.config.ts and bots/ are (default: the working directory). */
  cwd?: string;
  /** The environment (default: process.env). Platforms it configures are used as they are, not emulated. */
  env?: NodeJS.ProcessEnv;
  /** HTTP port; 0 picks a free one. Default: PORT, else 3000. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1: the console can post as any user, so it stays off the network. */
  host?: string;
  /** An explicit config file, or a config object instead of bot.config.ts (tests). */
  file?: string;
  config?: FileConfigInput;
  log?: Logger;
  /** Reload a bot when its file changes. Default false. */
  watch?: boolean;
  /** Which platforms to emulate when the environment does not configure them (default both). */
  platforms?: Array<'stream' | 'acs'>;
  /**
   * Keep the runtime's state (SQLite) and the emulators' state under `.botyard/dev/` across restarts
   * (`botyard dev`); `fresh` clears both first. Default off: state in memory (tests).
   */
  persist?: { fresh?: boolean };
}

export interface DevStack {
  /** `http://127.0.0.1:PORT`: the console is at `${url}/`. */
  url: string;
  config: BotyardConfig;
  booted: Booted;
  /** Present when Stream is emulated. */
  stream?: StreamEmulator;
  /** Present when ACS is emulated. */
  acs?: AcsEmulator;
  console: DevConsole;
  /** Where the emulators' state (and by default the store) is kept, when persisting. */
  stateDir?: string;
  /** Stops the console's feeds, the runtime and server, then the emulators. */
  stop(): Promise<void>;
}

export async function startDevStack(options: DevStackOptions = {}): Promise<DevStack> {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  const emulate = new Set(options.platforms ?? ['stream', 'acs']);
  let stream: StreamEmulator | undefined;
  let acs: AcsEmulator | undefined;
  let booted: Booted | undefined;
  let devConsole: DevConsole | undefined;
  let watchers: Watchers | undefined;
  const cwd = options.cwd ?? process.cwd();
  // The project folder (where bot.config.ts is, as projectDir() will say), known before the config loads: the emulators start first.
  const state = options.persist ? devStatePaths(options.file ? path.dirname(path.resolve(cwd, options.file)) : cwd) : undefined;
  if (state && options.persist?.fresh) clearEmulatorState(state);
  try {
    if (!env.STREAM_API_KEY && emulate.has('stream')) {
      stream = await startStreamEmulator(state ? { stateFile: state.streamFile } : {});
      Object.assign(env, stream.env);
    }
    if (!env.ACS_CONNECTION_STRING && emulate.has('acs')) {
      acs = await startAcsEmulator(state ? { stateFile: state.acsFile } : {});
      env.ACS_CONNECTION_STRING = acs.connectionString;
      env.ACS_CA_PATH = acs.caPath;
    }
    const loadOptions = {
      env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.file ? { file: options.file } : {}),
      ...(options.config ? { config: options.config } : {}),
    };
    // A reload swaps in the emulator's Entra tenant as the first load did, so it is not seen as a change.
    const loadDevConfig = async () => {
      const loaded = await loadConfig(loadOptions);
      return acs ? useEmulatorTenant(loaded, acs) : loaded;
    };
    const config = await loadDevConfig();
    // Hot reload needs the bots folder: say so before the runtime and the console start.
    if (options.watch) requireBotsFolder(config);
    const log = options.log ?? createLogger({ level: config.env.LOG_LEVEL ?? config.logLevel, pretty: true });
    const store = chooseStore(config, state ? { kind: 'sqlite', sqlitePath: state.sqlitePath, cwd } : { kind: 'memory', cwd });
    if (state && options.persist?.fresh) await clearRuntimeState(store, log);
    const emulatedAcs = acs;
    booted = await boot({
      store,
      config,
      log,
      ...(options.port !== undefined ? { port: options.port } : {}),
      host: options.host ?? '127.0.0.1',
      extend: async (app, runtime) => {
        if (emulatedAcs) await forgetUnknownAcsIdentity(runtime.store, emulatedAcs.state.users(), log);
        devConsole = createConsole({ runtime, ...(stream ? { stream } : {}), ...(acs ? { acs } : {}) });
        app.use(devConsole.router);
      },
    });
    // The bot's identity and user were just made: on disk now, not a moment later, in step with the store.
    stream?.saveState();
    acs?.saveState();
    stream?.setWebhookUrl(`${booted.server.url}/webhooks/stream`);
    // As `botyard stream hooks` does on a real app: Stream asks the runtime before storing a message.
    stream?.setBeforeSendHookUrl(`${booted.server.url}/webhooks/stream/before-send`);
    if (acs) await subscribeEmulator(config, acs, booted.server.url);
    if (options.watch) watchers = openDevWatchers({ config, registry: booted.runtime.bots, log, load: loadDevConfig });
    const running = booted;
    const watching = watchers;
    const consoleHandle = devConsole!;
    let stopping: Promise<void> | undefined;
    return {
      url: running.server.url,
      config,
      booted: running,
      ...(stream ? { stream } : {}),
      ...(acs ? { acs } : {}),
      console: consoleHandle,
      ...(state ? { stateDir: state.dir } : {}),
      stop() {
        stopping ??= (async () => {
          watching?.close();
          consoleHandle.close();
          await running.stop(config.shutdownTimeoutMs);
          await Promise.all([stream?.close(), acs?.close()]);
        })();
        return stopping;
      },
    };
  } catch (err) {
    // Everything started so far stops, in the order `stop()` uses, whatever step failed.
    watchers?.close();
    devConsole?.close();
    await booted?.stop().catch(() => undefined);
    await Promise.allSettled([stream?.close(), acs?.close()]);
    throw err;
  }
}
