import type { CliCommand } from '../command.ts';
import { writeEmulatorEnv } from '../emulator-env.ts';
import { untilSignal } from '../lifecycle.ts';

export const emulatorCommand: CliCommand = {
  name: 'emulator',
  help: `Usage: botyard emulator [--stream-port 4100] [--acs-port 4200] [--webhook-url URL] [--only stream|acs] [--fault '<rules>']

Serves offline emulators of the Stream Chat REST API (http) and the ACS Chat and Identity APIs
(https, self-signed certificate) on 127.0.0.1, and prints the environment a runtime or a test
needs to reach them (also kept in .botyard/emulators.json while they run, for \`botyard say\` and the
other commands here). With --webhook-url, the Stream emulator delivers signed webhooks there.
--fault starts with faults injected: 'stream:send:429x3', 'acs:list:503@20%', 'stream:webhook:dupx5'
(the grammar: \`botyard emulator fault --help\`).

Related: botyard emulator webhook (point deliveries somewhere), botyard emulator fault (faults while
running), botyard say (post as a user).

Example:
  botyard emulator --webhook-url http://127.0.0.1:3000/webhooks/stream --fault 'stream:send:429x3'
  # then, in another shell, paste the printed exports and run: botyard start`,
  async run(_args, flags, io) {
    const [{ startStreamEmulator }, { startAcsEmulator }, { parseFaults }, { applyFaults }] = await Promise.all([
      import('../../emulator/stream/index.ts'),
      import('../../emulator/acs/index.ts'),
      import('../../emulator/fault-spec.ts'),
      import('../../emulator/faults.ts'),
    ]);
    if (flags.fault === true) {
      io.err("botyard emulator: --fault needs rules, e.g. --fault 'stream:send:429x3'.");
      return 2;
    }
    // Checked before anything starts: a typo should not leave emulators running without the fault.
    const faults = typeof flags.fault === 'string' ? parseFaults(flags.fault) : [];
    const only = typeof flags.only === 'string' ? flags.only : undefined;
    const closers: Array<() => Promise<void>> = [];
    const env: Record<string, string> = {};
    const targets: Parameters<typeof applyFaults>[0] = {};
    if (only !== 'acs') {
      const stream = await startStreamEmulator({
        port: Number(flags['stream-port'] ?? 4100),
        ...(typeof flags['webhook-url'] === 'string' ? { webhookUrl: flags['webhook-url'] } : {}),
      });
      closers.push(() => stream.close());
      targets.stream = stream.faults;
      io.err(`Stream emulator on ${stream.url}`);
      Object.assign(env, stream.env);
    }
    if (only !== 'stream') {
      const acs = await startAcsEmulator({ port: Number(flags['acs-port'] ?? 4200) });
      closers.push(() => acs.close());
      targets.acs = acs.faults;
      io.err(`ACS emulator on ${acs.endpoint} (certificate: ${acs.caPath})`);
      Object.assign(env, acs.env);
    }
    const forget = writeEmulatorEnv(io.cwd, env);
    const stop = async () => {
      forget();
      await Promise.all(closers.map((close) => close()));
    };
    try {
      for (const line of faults.length ? applyFaults(targets, faults) : []) io.err(`fault ${line}`);
    } catch (err) {
      await stop();
      throw err;
    }
    io.out(Object.entries(env).map(([k, v]) => `export ${k}='${v}'`).join('\n'));
    io.err('Ctrl-C stops the emulators.');
    return untilSignal(stop, io);
  },
};
