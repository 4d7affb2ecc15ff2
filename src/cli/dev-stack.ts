/**
 * What `botyard dev` runs, as a function tests can start too: the emulators for every platform
 * without credentials, the runtime booted against them (and the console mounted), the Stream
 * emulator's webhooks pointed at the runtime, and hot reload of the bots folder.
 */
import type { Logger } from 'pino';
import { mountConsole } from '../console/index.ts';
import { loadConfig, type BotyardConfig } from '../config/load.ts';
import type { FileConfigInput } from '../config/schema.ts';
import { startAcsEmulator, type AcsEmulator } from '../emulator/acs/index.ts';
import { startStreamEmulator, type StreamEmulator } from '../emulator/stream/index.ts';
import { boot, type Booted } from '../runtime/boot.ts';
import { watchBots } from '../runtime/hot-reload.ts';

export interface DevStackOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  log: Logger;
  /** HTTP port of the runtime (0 = any free port). */
  port?: number;
  /** An explicit config file, or a config object instead of bot.config.ts (tests). */
  configFile?: string;
  config?: FileConfigInput;
  /** Watch the bots folder and reload changed bots (default true). */
  hotReload?: boolean;
  /** Skip a platform's emulator even without credentials. */
  platforms?: Array<'stream' | 'acs'>;
}

export interface DevStack {
  booted: Booted;
  config: BotyardConfig;
  stream: StreamEmulator | undefined;
  acs: AcsEmulator | undefined;
  stop(): Promise<void>;
}

export async function startDevStack(options: DevStackOptions): Promise<DevStack> {
  const env = { ...options.env };
  const wanted = new Set(options.platforms ?? ['stream', 'acs']);
  let stream: StreamEmulator | undefined;
  let acs: AcsEmulator | undefined;
  if (!env.STREAM_API_KEY && wanted.has('stream')) {
    stream = await startStreamEmulator({});
    Object.assign(env, stream.env);
  }
  if (!env.ACS_CONNECTION_STRING && wanted.has('acs')) {
    acs = await startAcsEmulator({});
    env.ACS_CONNECTION_STRING = acs.connectionString;
    env.ACS_CA_PATH = acs.caPath;
  }
  try {
    const config = await loadConfig({ env, cwd: options.cwd, ...(options.configFile ? { file: options.configFile } : {}), ...(options.config ? { config: options.config } : {}) });
    const booted = await boot({
      config,
      log: options.log,
      ...(options.port !== undefined ? { port: options.port } : {}),
      extend: (app, runtime) => mountConsole(app, { runtime, ...(stream ? { stream } : {}), ...(acs ? { acs } : {}) }),
    });
    stream?.setWebhookUrl(`${booted.server.url}/webhooks/stream`);
    const watcher = options.hotReload === false ? undefined : watchBots({ dir: config.botsPath, registry: booted.runtime.bots, log: options.log });
    return {
      booted,
      config,
      stream,
      acs,
      async stop() {
        watcher?.close();
        await booted.stop();
        await Promise.all([stream?.close(), acs?.close()]);
      },
    };
  } catch (err) {
    await Promise.all([stream?.close(), acs?.close()]);
    throw err;
  }
}
