import type { CliCommand } from '../command.ts';
import { attempt, CHANNEL_ENV_NOTE, list, setup } from './channel-args.ts';

export const channelModeratorsCommand: CliCommand = {
  name: 'channel moderators',
  summary: 'promote members of a Stream channel to moderators, or demote them',
  help: `Usage: botyard channel moderators <type:id> [--add a,b] [--demote c,d]

Promotes members to channel_moderator and/or demotes moderators back to channel_member.
The users must already be members (see \`botyard channel members\`).
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
    return attempt('channel moderators', io, async () => {
      if (add.length) await ctx.ops.addModerators(ctx.cid, add);
      if (demote.length) await ctx.ops.demoteModerators(ctx.cid, demote);
      return [add.length ? `promoted ${add.join(', ')}` : '', demote.length ? `demoted ${demote.join(', ')}` : ''].filter(Boolean).join('; ') + ` in ${ctx.cid}.`;
    });
  },
};
