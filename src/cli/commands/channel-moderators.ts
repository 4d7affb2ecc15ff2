import { createOperatorOps } from '../../adapters/stream/index.ts';
import type { CliCommand } from '../command.ts';
import { attempt, CHANNEL_ENV_NOTE, list, setup } from './channel-args.ts';

export const channelModeratorsCommand: CliCommand = {
  name: 'channel moderators',
  help: `Usage: botyard channel moderators <type:id> [--add a,b] [--demote c,d]

Promotes members to channel_moderator and/or demotes moderators back to channel_member.
The users must already be members (see \`botyard channel members\`); promoting a moderator or
demoting someone who is not one is reported as "nothing to do".
${CHANNEL_ENV_NOTE}

Example:
  botyard channel moderators messaging:kung-fu --add alice --demote bob`,
  async run(args, flags, io) {
    const ctx = setup('channel moderators', args, io);
    if (typeof ctx === 'number') return ctx;
    const add = list(flags.add);
    const demote = list(flags.demote);
    if (!add.length && !demote.length) {
      io.err('botyard channel moderators: give --add and/or --demote with comma-separated user ids.');
      return 2;
    }
    const standing = await createOperatorOps(ctx.ops.client).standing(ctx.cid, [...add, ...demote]).catch((err: Error) => err);
    if (standing instanceof Error) {
      io.err(`botyard channel moderators: ${standing.message}`);
      return 1;
    }
    const outsiders = add.filter((id) => standing.get(id) === 'none');
    if (outsiders.length) {
      io.err(`botyard channel moderators: ${outsiders.join(', ')} ${outsiders.length === 1 ? 'is' : 'are'} not a member of ${ctx.cid}; add them first: botyard channel members ${ctx.cid} --add ${outsiders.join(',')}`);
      return 1;
    }
    return attempt('channel moderators', io, async () => {
      const toPromote = add.filter((id) => standing.get(id) === 'member');
      const toDemote = demote.filter((id) => standing.get(id) === 'moderator');
      if (toPromote.length) await ctx.ops.addModerators(ctx.cid, toPromote);
      if (toDemote.length) await ctx.ops.demoteModerators(ctx.cid, toDemote);
      const lines = [
        toPromote.length ? `promoted ${toPromote.join(', ')} in ${ctx.cid}` : '',
        toDemote.length ? `demoted ${toDemote.join(', ')} in ${ctx.cid}` : '',
        ...add.filter((id) => standing.get(id) === 'moderator').map((id) => `${id} is already a moderator of ${ctx.cid}: nothing to do`),
        ...demote.filter((id) => standing.get(id) !== 'moderator').map((id) => `${id} is not a moderator of ${ctx.cid}: nothing to do`),
      ];
      return lines.filter(Boolean).join('\n');
    });
  },
};
