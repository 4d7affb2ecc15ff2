/** `botyard ban`: a thin command over the server client's banUser / unbanUser. */
import { splitCid } from '../../adapters/stream/index.ts';
import type { CliCommand } from '../command.ts';
import { CHANNEL_ENV_NOTE, streamOps } from './channel-args.ts';

type Loose = any;

export const banCommand: CliCommand = {
  name: 'ban',
  help: `Usage: botyard ban <userId> --by <userId> [--channel type:id] [--reason text] [--timeout minutes]
       botyard ban <userId> --undo [--channel type:id]

Bans the user everywhere, or in one channel with --channel; --timeout makes the ban lapse after that
many minutes. Stream records who banned (--by). --undo lifts the ban; lifting a ban that is not there
is reported as "nothing to do".
${CHANNEL_ENV_NOTE}

Examples:
  botyard ban spammer --by admin --reason "link spam" --timeout 1440
  botyard ban spammer --channel messaging:general --by admin
  botyard ban spammer --undo`,
  async run(args, flags, io) {
    const target = args[0];
    if (!target || args.length > 1) {
      io.err('botyard ban: give exactly one user id, e.g. `botyard ban spammer --by admin`.');
      return 2;
    }
    const channel = typeof flags.channel === 'string' ? flags.channel : undefined;
    let scope: { type: string; id: string } | undefined;
    try {
      scope = channel ? (([type, id]) => ({ type, id }))(splitCid(channel)) : undefined;
    } catch (err) {
      io.err(`botyard ban: --channel ${(err as Error).message}`);
      return 2;
    }
    const timeout = flags.timeout === undefined ? undefined : Number(flags.timeout);
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout <= 0)) {
      io.err(`botyard ban: --timeout must be a whole number of minutes above 0, got '${String(flags.timeout)}'.`);
      return 2;
    }
    if (flags.undo !== true && typeof flags.by !== 'string') {
      io.err('botyard ban: say who bans with --by <userId> (Stream records it on the ban).');
      return 2;
    }
    const ops = streamOps('ban', io);
    if (typeof ops === 'number') return ops;
    const client = ops.client;
    const where = channel ? `in ${channel}` : 'everywhere';
    try {
      if (flags.undo === true) {
        const banned = scope
          ? ((await client.channel(scope.type, scope.id).queryMembers({ user_id: target } as Loose)).members[0] as Loose)?.banned === true
          : ((await client.queryUsers({ id: target } as Loose)).users[0] as Loose)?.banned === true;
        if (!banned) {
          io.out(`${target} is not banned ${where}: nothing to do`);
          return 0;
        }
        await client.unbanUser(target, scope ?? {});
        io.out(`lifted the ban on ${target} ${where}`);
        return 0;
      }
      const reason = typeof flags.reason === 'string' ? flags.reason : undefined;
      await client.banUser(target, { banned_by_id: flags.by as string, ...(reason ? { reason } : {}), ...(timeout ? { timeout } : {}), ...(scope ?? {}) } as Loose);
      io.out(`banned ${target} ${where}${timeout ? ` for ${timeout} minute${timeout === 1 ? '' : 's'}` : ''}${reason ? ` (${reason})` : ''}`);
      return 0;
    } catch (err) {
      io.err(`botyard ban: ${(err as Error).message}`);
      return 1;
    }
  },
};
