import type { CliCommand } from '../command.ts';
import { attempt, CHANNEL_ENV_NOTE, list, setup } from './channel-args.ts';

export const channelMembersCommand: CliCommand = {
  name: 'channel members',
  summary: 'add or remove members of a Stream channel',
  help: `Usage: botyard channel members <type:id> [--add a,b] [--remove c,d]

Adds and/or removes members (the users must exist: see \`botyard users sync\`).
${CHANNEL_ENV_NOTE}

Example:
  botyard channel members messaging:kung-fu --add alice,bob --remove carol`,
  async run(args, flags, io) {
    const ctx = setup('channel members', args, io);
    if (typeof ctx === 'number') return ctx;
    const add = list(flags.add);
    const remove = list(flags.remove);
    if (!add.length && !remove.length) {
      io.err('botyard channel members: give --add and/or --remove with comma-separated user ids.');
      return 2;
    }
    return attempt('channel members', io, async () => {
      if (add.length) await ctx.ops.addMembers(ctx.cid, add);
      if (remove.length) await ctx.ops.removeMembers(ctx.cid, remove);
      return [add.length ? `added ${add.join(', ')}` : '', remove.length ? `removed ${remove.join(', ')}` : ''].filter(Boolean).join('; ') + ` in ${ctx.cid}.`;
    });
  },
};
