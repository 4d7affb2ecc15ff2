import { FAULT_GRAMMAR, parseFaults } from '../../emulator/fault-spec.ts';
import type { CliCommand } from '../command.ts';
import { readAcsCa, withEmulatorEnv } from '../emulator-env.ts';

export const emulatorFaultCommand: CliCommand = {
  name: 'emulator fault',
  help: `Usage: botyard emulator fault '<rules>'
       botyard emulator fault --list | --clear [--platform stream|acs]

Rules: ${FAULT_GRAMMAR}.
Targets: an operation (Stream: send, edit, delete, react, read, typing, channel, query, channels, users,
ban, flag, or an operation id like SendMessage; ACS: send, list, get, edit, delete, threads, create,
read, typing, add, remove, token, or an operation like messages.list), * (every one), webhook (Stream
deliveries: dup, reorder, slow), eventgrid (ACS deliveries: dup, redeliver, reorder), hook (Stream's
before-send hook: slow, 5xx, timeout). A count (xN) applies to the next N calls; a share (@N%) holds
until --clear. Reaches the emulators through their admin route (see README, "The emulators").

Examples:
  botyard emulator fault 'stream:send:429x3'
  botyard emulator fault 'acs:list:503@20%,stream:webhook:dupx5'
  botyard emulator fault --list`,
  async run(args, flags, io) {
    const env = withEmulatorEnv(io.cwd, io.env);
    const stream = async () => {
      const { streamAdminClient } = await import('../../emulator/stream/admin-client.ts');
      if (!env.STREAM_API_KEY || !env.STREAM_API_SECRET || !env.STREAM_BASE_URL) throw new Error('no Stream emulator found: run `botyard emulator` (or `botyard dev`) here, or export its STREAM_* lines');
      return streamAdminClient({ baseUrl: env.STREAM_BASE_URL, apiKey: env.STREAM_API_KEY, apiSecret: env.STREAM_API_SECRET });
    };
    const acs = async () => {
      const { acsAdminClient } = await import('../../emulator/acs/admin-client.ts');
      if (!env.ACS_CONNECTION_STRING) throw new Error('no ACS emulator found: run `botyard emulator` (or `botyard dev`) here, or export its ACS_* lines');
      const ca = readAcsCa(env);
      if ('error' in ca) throw new Error(ca.error);
      return acsAdminClient({ connectionString: env.ACS_CONNECTION_STRING, caPem: ca.ca });
    };
    try {
      if (flags.list || flags.clear) {
        const platforms = typeof flags.platform === 'string' ? [flags.platform] : ['stream', 'acs'].filter((p) => (p === 'stream' ? env.STREAM_BASE_URL : env.ACS_CONNECTION_STRING));
        for (const p of platforms) {
          const client = p === 'stream' ? await stream() : await acs();
          if (flags.clear) {
            await client.clearFaults();
            io.out(`${p}: faults cleared`);
          } else {
            const listed = await client.listFaults();
            io.out(listed.length ? listed.map((f) => `${p}: ${f}`).join('\n') : `${p}: no faults`);
          }
        }
        return 0;
      }
      const spec = args.join(',');
      if (!spec) {
        io.err(`botyard emulator fault: give rules (${FAULT_GRAMMAR}), or --list / --clear.`);
        return 2;
      }
      const rules = parseFaults(spec);
      for (const platform of ['stream', 'acs'] as const) {
        const mine = rules.filter((r) => r.platform === platform).map((r) => r.text).join(',');
        if (mine) for (const line of await (platform === 'stream' ? await stream() : await acs()).addFaults(mine)) io.out(line);
      }
      return 0;
    } catch (err) {
      io.err(`botyard emulator fault: ${(err as Error).message}`);
      return 1;
    }
  },
};
