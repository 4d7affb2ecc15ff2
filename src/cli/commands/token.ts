import { streamOpsFromEnv } from '../../adapters/stream/index.ts';
import type { CliCommand } from '../command.ts';
import { withEmulatorEnv } from '../emulator-env.ts';

export const tokenCommand: CliCommand = {
  name: 'token',
  help: `Usage: botyard token <userId> [--expires-in <seconds>]

Prints a Stream Chat user token for <userId>, signed with STREAM_API_SECRET, for a client app or a
test to connect as that user. Without --expires-in the token never expires.
Reads STREAM_API_KEY and STREAM_API_SECRET from the environment.

Examples:
  botyard token john
  botyard token john --expires-in 3600`,
  async run(args, flags, io) {
    const userId = args[0];
    if (!userId || args.length > 1) {
      io.err('botyard token: give exactly one user id, e.g. `botyard token john`.');
      return 2;
    }
    let expiresIn: number | undefined;
    if (flags['expires-in'] !== undefined) {
      expiresIn = Number(flags['expires-in']);
      if (!Number.isInteger(expiresIn) || expiresIn <= 0) {
        io.err(`botyard token: --expires-in must be a whole number of seconds above 0, got '${String(flags['expires-in'])}'.`);
        return 2;
      }
    }
    const found = streamOpsFromEnv(withEmulatorEnv(io.cwd, io.env));
    if ('error' in found) {
      io.err(`botyard token: ${found.error}`);
      return 1;
    }
    io.out(found.ops.createToken(userId, expiresIn));
    return 0;
  },
};
