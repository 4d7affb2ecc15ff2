import { readFile } from 'node:fs/promises';
import type { CliCommand } from '../command.ts';

export const acsIdentityCommand: CliCommand = {
  name: 'acs identity',
  help: `Usage: botyard acs identity [--name <display name>]

Creates a new Azure Communication Services user through the Identity API and prints its id
(8:acs:…). Put it in ACS_BOT_USER_ID so every instance and restart of the runtime is the same bot.
--name is only echoed back (ACS identities carry no name; the bot's display name comes from
bot.config.ts and is sent with each message).
Reads ACS_CONNECTION_STRING, and ACS_CA_PATH or NODE_EXTRA_CA_CERTS to trust the emulator's
certificate.

Examples:
  botyard acs identity
  botyard acs identity --name "Helper Bot"`,
  async run(args, flags, io) {
    if (args.length > 0) {
      io.err(`botyard acs identity: unexpected argument '${args[0]}'. Use --name "<display name>" for a name.`);
      return 2;
    }
    if (flags.name === true) {
      io.err('botyard acs identity: --name needs a value, e.g. --name "Helper Bot".');
      return 2;
    }
    const connectionString = io.env.ACS_CONNECTION_STRING;
    if (!connectionString) {
      io.err(
        'botyard acs identity: ACS_CONNECTION_STRING is not set. Fix: copy the connection string from the Azure portal ' +
          "(Communication Service → Keys), or run `botyard emulator` and use the ACS_CONNECTION_STRING it prints.",
      );
      return 1;
    }
    if (!/^endpoint=https?:\/\/[^;]+;accesskey=.+$/i.test(connectionString)) {
      io.err('botyard acs identity: ACS_CONNECTION_STRING must look like endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>.');
      return 1;
    }
    const caVar = io.env.ACS_CA_PATH ? 'ACS_CA_PATH' : io.env.NODE_EXTRA_CA_CERTS ? 'NODE_EXTRA_CA_CERTS' : undefined;
    let ca: string | undefined;
    if (caVar) {
      try {
        ca = await readFile(io.env[caVar]!, 'utf8');
      } catch (error) {
        io.err(`botyard acs identity: cannot read ${caVar}=${io.env[caVar]} (${(error as Error).message}). Fix: point it at the certificate file \`botyard emulator\` printed, or unset it.`);
        return 1;
      }
    }
    try {
      // The SDK lives behind the ACS adapter; loaded here so other commands do not pay for it.
      const { createAcsUser } = await import('../../adapters/acs/index.ts');
      const userId = await createAcsUser(connectionString, ca);
      io.out(userId);
      io.err(`Created ACS user${typeof flags.name === 'string' ? ` for "${flags.name}"` : ''}. Set ACS_BOT_USER_ID=${userId}`);
      return 0;
    } catch (error) {
      const e = error as { statusCode?: number; message?: string; code?: string };
      const hint =
        e.statusCode === 401
          ? ' Fix: check the access key in ACS_CONNECTION_STRING.'
          : e.code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || /self.signed|certificate/i.test(e.message ?? '')
            ? ' Fix: set ACS_CA_PATH to the certificate file `botyard emulator` printed.'
            : '';
      io.err(`botyard acs identity: creating the user failed${e.statusCode ? ` (${e.statusCode})` : ''}: ${e.message ?? String(error)}.${hint}`);
      return 1;
    }
  },
};
