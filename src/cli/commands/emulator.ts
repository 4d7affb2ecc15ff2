import type { CliCommand } from '../command.ts';
import { untilSignal } from '../lifecycle.ts';

export const emulatorCommand: CliCommand = {
  name: 'emulator',
  summary: 'serve the Stream (http) and ACS (https) emulators alone, and print how to reach them',
  help: `Usage: botyard emulator [--stream-port 4100] [--acs-port 4200] [--webhook-url URL] [--only stream|acs]

Serves offline emulators of the Stream Chat REST API (http) and the ACS Chat and Identity APIs
(https, self-signed certificate) on 127.0.0.1, and prints the environment a runtime or a test
needs to reach them. With --webhook-url, the Stream emulator delivers signed webhooks there.

Example:
  botyard emulator --webhook-url http://127.0.0.1:3000/webhooks/stream
  # then, in another shell, paste the printed exports and run: botyard start`,
  async run(_args, flags, io) {
    const [{ startStreamEmulator }, { startAcsEmulator }] = await Promise.all([import('../../emulator/stream/index.ts'), import('../../emulator/acs/index.ts')]);
    const only = typeof flags.only === 'string' ? flags.only : undefined;
    const closers: Array<() => Promise<void>> = [];
    const lines: string[] = [];
    if (only !== 'acs') {
      const stream = await startStreamEmulator({
        port: Number(flags['stream-port'] ?? 4100),
        ...(typeof flags['webhook-url'] === 'string' ? { webhookUrl: flags['webhook-url'] } : {}),
      });
      closers.push(() => stream.close());
      io.err(`Stream emulator on ${stream.url}`);
      for (const [k, v] of Object.entries(stream.env)) lines.push(`export ${k}='${v}'`);
    }
    if (only !== 'stream') {
      const acs = await startAcsEmulator({ port: Number(flags['acs-port'] ?? 4200) });
      closers.push(() => acs.close());
      io.err(`ACS emulator on ${acs.endpoint} (certificate: ${acs.caPath})`);
      for (const [k, v] of Object.entries(acs.env)) lines.push(`export ${k}='${v}'`);
    }
    io.out(lines.join('\n'));
    io.err('Ctrl-C stops the emulators.');
    return untilSignal(async () => {
      await Promise.all(closers.map((close) => close()));
    }, io);
  },
};
