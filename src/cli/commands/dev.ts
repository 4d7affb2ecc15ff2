import type { CliCommand } from '../command.ts';
import { isLoopback } from '../../server/loopback.ts';
import { describeBoot, untilSignal } from '../lifecycle.ts';

export const devCommand: CliCommand = {
  name: 'dev',
  help: `Usage: botyard dev [--port 3000] [--host 127.0.0.1] [--config bot.config.ts] [--fresh] [--fault '<rules>']

Starts what is missing of the platforms as local emulators (Stream when STREAM_API_KEY is unset,
ACS when ACS_CONNECTION_STRING is unset), the runtime with every bot in bots/, and the dev console
at http://localhost:3000/ where you chat with your bots. Editing a bot file reloads that bot alone.
--fault injects faults into the emulators from the start ('stream:send:429x3': see
\`botyard emulator fault --help\`); \`botyard say\` and \`botyard emulator fault\` reach them while dev runs.

State persists in .botyard/dev/: the emulators' users, channels, threads and messages, and the
runtime's store (bot identity, bot state, queued events), so a restart carries on where it stopped.
--fresh starts the emulators and the store clean.

It listens on 127.0.0.1 only: the console can post as any user. --host 0.0.0.0 (or another
address) opens it to the network, with a warning; do that only on a network you trust.

Example:
  npm run dev        # then open http://localhost:3000/`,
  async run(_args, flags, io) {
    // Loaded here, not at the top: `botyard --help` should not pay for the emulators and SDKs.
    const [{ startDevStack }, { createLogger }, { parseEnv }] = await Promise.all([
      import('../dev-stack.ts'),
      import('../../runtime/log.ts'),
      import('../../config/load.ts'),
    ]);
    // Fault rules are checked before anything starts, so a typo never leaves a stack running without them.
    const faults = typeof flags.fault === 'string' ? (await import('../../emulator/fault-spec.ts')).parseFaults(flags.fault) : [];
    const log = createLogger({ level: parseEnv(io.env).LOG_LEVEL ?? 'info', pretty: true });
    const host = typeof flags.host === 'string' ? flags.host : '127.0.0.1';
    if (!isLoopback(host)) {
      io.err(`warning: --host ${host} puts the dev console on the network, and the console can post as any user of the emulated (or configured) platforms. Anyone who can reach this port can act as them.`);
    }
    const stack = await startDevStack({
      env: io.env,
      cwd: io.cwd,
      log,
      ...(typeof flags.port === 'string' ? { port: Number(flags.port) } : {}),
      host,
      ...(typeof flags.config === 'string' ? { file: flags.config } : {}),
      watch: true,
      persist: { fresh: flags.fresh === true },
    });
    const { booted, stream, acs, config } = stack;
    // The emulators' addresses for `botyard say` / `emulator fault` in another shell; faults asked for at start.
    const { writeEmulatorEnv } = await import('../emulator-env.ts');
    const forget = stream || acs ? writeEmulatorEnv(io.cwd, { ...stream?.env, ...acs?.env }) : () => undefined;
    if (faults.length) {
      const { applyFaults } = await import('../../emulator/faults.ts');
      try {
        for (const line of applyFaults({ ...(stream ? { stream: stream.faults } : {}), ...(acs ? { acs: acs.faults } : {}) }, faults)) io.err(`fault ${line}`);
      } catch (err) {
        forget();
        await stack.stop();
        throw err;
      }
    }
    describeBoot(booted, io);
    if (stream) io.out(`Stream emulator: ${stream.url} (webhooks → ${booted.server.url}/webhooks/stream)`);
    if (acs) io.out(`ACS emulator: ${acs.endpoint}`);
    if (stack.stateDir) io.out(`dev state: ${stack.stateDir} (emulators and store; kept across restarts, --fresh starts clean)`);
    io.out(`console: ${booted.server.url.replace('127.0.0.1', 'localhost')}/   (edit a file in ${config.botsDir}/ and it reloads)`);
    return untilSignal(() => (forget(), stack.stop()), io);
  },
};
