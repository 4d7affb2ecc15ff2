import { createOperatorOps } from '../../adapters/stream/index.ts';
import type { CliCommand } from '../command.ts';
import { CHANNEL_ENV_NOTE, list, streamOps } from './channel-args.ts';

export const usersDeleteCommand: CliCommand = {
  name: 'users delete',
  help: `Usage: botyard users delete <id[,id…]> --yes [--hard]

Deletes the users (--hard: their messages too). Asks for --yes, since it cannot be undone. An id with
no user is reported as "nothing to do".
${CHANNEL_ENV_NOTE}

Example:
  botyard users delete test-user-1,test-user-2 --yes`,
  async run(args, flags, io) {
    const ids = list(args[0]);
    if (!ids.length) {
      io.err('botyard users delete: give the user ids, comma-separated, e.g. `botyard users delete alice --yes`.');
      return 2;
    }
    if (flags.yes !== true) {
      io.err(`botyard users delete: this deletes ${ids.join(', ')} for good; run again with --yes to confirm.`);
      return 2;
    }
    const stream = streamOps('users delete', io);
    if (typeof stream === 'number') return stream;
    const ops = createOperatorOps(stream.client);
    let failed = 0;
    for (const id of ids) {
      try {
        io.out((await ops.deleteUser(id, { hard: flags.hard === true })) ? `deleted ${id}` : `${id}: no such user, nothing to do`);
      } catch (err) {
        failed++;
        io.err(`botyard users delete: ${id}: ${(err as Error).message}`);
      }
    }
    return failed ? 1 : 0;
  },
};
