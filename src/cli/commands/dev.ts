import type { AcsEmulator } from '../../emulator/acs/index.ts';
import type { StreamEmulator } from '../../emulator/stream/index.ts';
import { loadConfig } from '../../config/load.ts';
import type { CliCommand } from '../command.ts';
import { describeBoot, untilSignal } from '../lifecycle.ts';

export const devCommand: CliCommand = {
  name: 'dev',
  summary: 'emulators + runtime + console, with hot reload: develop bots with no account',
  help: `Usage: botyard dev [--port 3000] [--config bot.config.ts]

Starts what is missing of the platforms as local emulators (Stream when STREAM_API_KEY is unset,
ACS when ACS_CONNECTION_STRING is unset), the runtime with every bot in bots/, and the dev console
at http://localhost:3000/ where you chat with your bots. Editing a bot file reloads that bot alone.

Example:
  npm run dev        # then open http://localhost:3000/`,
  async run(_args, flags, io) {
    // Loaded here, not at the top: `botyard --help` should not pay for the emulators and SDKs.
    const [{ startStreamEmulator }, { startAcsEmulator }, { mountConsole }, { boot }, { watchBots }, { createLogger }] = await Promise.all([
      import('../../emulator/stream/index.ts'),
      import('../../emulator/acs/index.ts'),
      import('../../console/index.ts'),
      import('../../runtime/boot.ts'),
      import('../../runtime/hot-reload.ts'),
      import('../../runtime/log.ts'),
    ]);
    const env = { ...io.env };
    let stream: StreamEmulator | undefined;
    let acs: AcsEmulator | undefined;
    if (!env.STREAM_API_KEY) {
      stream = await startStreamEmulator({});
      Object.assign(env, stream.env);
    }
    if (!env.ACS_CONNECTION_STRING) {
      acs = await startAcsEmulator({});
      env.ACS_CONNECTION_STRING = acs.connectionString;
      env.ACS_CA_PATH = acs.caPath;
    }
    const config = await loadConfig({ env, cwd: io.cwd, ...(typeof flags.config === 'string' ? { file: flags.config } : {}) });
    const log = createLogger({ level: config.env.LOG_LEVEL ?? config.logLevel, pretty: true });
    const booted = await boot({
      config,
      log,
      ...(typeof flags.port === 'string' ? { port: Number(flags.port) } : {}),
      extend: (app, runtime) => mountConsole(app, { runtime, ...(stream ? { stream } : {}), ...(acs ? { acs } : {}) }),
    });
    stream?.setWebhookUrl(`${booted.server.url}/webhooks/stream`);
    const watcher = watchBots({ dir: config.botsPath, registry: booted.runtime.bots, log });
    describeBoot(booted, io);
    if (stream) io.out(`Stream emulator: ${stream.url} (webhooks → ${booted.server.url}/webhooks/stream)`);
    if (acs) io.out(`ACS emulator: ${acs.endpoint}`);
    io.out(`console: ${booted.server.url.replace('127.0.0.1', 'localhost')}/   (edit a file in ${config.botsDir}/ and it reloads)`);
    return untilSignal(async () => {
      watcher.close();
      await booted.stop();
      await Promise.all([stream?.close(), acs?.close()]);
    }, io);
  },
};
