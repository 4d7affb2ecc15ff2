import { createOperatorOps } from '../../adapters/stream/index.ts';
import type { CliCommand } from '../command.ts';
import { attempt, CHANNEL_ENV_NOTE, list, setup } from './channel-args.ts';

export const channelMembersCommand: CliCommand = {
  name: 'channel members',
  help: `Usage: botyard channel members <type:id> [--add a,b] [--remove c,d]

Adds and/or removes members (the users must exist: see \`botyard users sync\`). Adding someone who is
already a member, or removing someone who is not, is reported as "nothing to do".
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
      const standing = await createOperatorOps(ctx.ops.client).standing(ctx.cid, [...add, ...remove]);
      const toAdd = add.filter((id) => standing.get(id) === 'none');
      const toRemove = remove.filter((id) => standing.get(id) !== 'none');
      if (toAdd.length) await ctx.ops.addMembers(ctx.cid, toAdd);
      if (toRemove.length) await ctx.ops.removeMembers(ctx.cid, toRemove);
      const lines = [
        toAdd.length ? `added ${toAdd.join(', ')} to ${ctx.cid}` : '',
        toRemove.length ? `removed ${toRemove.join(', ')} from ${ctx.cid}` : '',
        ...add.filter((id) => !toAdd.includes(id)).map((id) => `${id} is already a member of ${ctx.cid}: nothing to do`),
        ...remove.filter((id) => !toRemove.includes(id)).map((id) => `${id} is not a member of ${ctx.cid}: nothing to do`),
      ];
      return lines.filter(Boolean).join('\n');
    });
  },
};
