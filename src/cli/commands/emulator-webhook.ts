import type { CliCommand } from '../command.ts';
import { readAcsCa, withEmulatorEnv } from '../emulator-env.ts';

export const emulatorWebhookCommand: CliCommand = {
  name: 'emulator webhook',
  help: `Usage: botyard emulator webhook --url <URL> [--platform stream|acs]
       botyard emulator webhook --off [--platform stream|acs]

Stream (default): sets the app's webhook_url (PATCH /app, as on the real service), so signed webhooks go
to <URL>. ACS: subscribes the emulator's Event Grid deliveries to <URL>, validation handshake first (on a
real resource, Event Grid subscriptions are made in Azure). --off stops them.
Reads STREAM_* / ACS_CONNECTION_STRING and ACS_CA_PATH, or finds the emulators a running \`botyard dev\`
or \`botyard emulator\` in this folder started.

Examples:
  botyard emulator webhook --url http://127.0.0.1:3000/webhooks/stream
  botyard emulator webhook --platform acs --url http://127.0.0.1:3000/webhooks/acs`,
  async run(args, flags, io) {
    const fail = (message: string, code = 1) => {
      io.err(`botyard emulator webhook: ${message}`);
      return code;
    };
    const platform = flags.platform ?? 'stream';
    const off = flags.off === true;
    const url = flags.url;
    if (args.length) return fail(`unexpected argument '${args[0]}'; give the address with --url.`, 2);
    if (platform !== 'stream' && platform !== 'acs') return fail("--platform is stream or acs.", 2);
    if (!off && (typeof url !== 'string' || !/^https?:\/\//.test(url))) {
      return fail('give --url http(s)://… (or --off to stop deliveries).', 2);
    }
    const env = withEmulatorEnv(io.cwd, io.env);
    try {
      if (platform === 'stream') {
        const { streamOpsFromEnv } = await import('../../adapters/stream/index.ts');
        const found = streamOpsFromEnv(env);
        if ('error' in found) return fail(`${found.error}`, 1);
        await found.ops.setWebhookUrl(off ? '' : (url as string));
      } else {
        if (!env.ACS_CONNECTION_STRING) return fail('ACS_CONNECTION_STRING is not set: run `botyard emulator` here first.', 1);
        const ca = readAcsCa(env);
        if ('error' in ca) return fail(`${ca.error}`, 1);
        const { acsAdminClient } = await import('../../emulator/acs/admin-client.ts');
        await acsAdminClient({ connectionString: env.ACS_CONNECTION_STRING, caPem: ca.ca }).setEventGrid(off ? undefined : (url as string));
      }
    } catch (err) {
      return fail(`${(err as Error).message}`, 1);
    }
    io.out(off ? `${platform}: deliveries stopped` : `${platform}: deliveries go to ${url as string}`);
    return 0;
  },
};
