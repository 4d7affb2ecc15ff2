import { createOperatorOps } from '../../adapters/stream/index.ts';
import type { CliCommand } from '../command.ts';
import { CHANNEL_ENV_NOTE, setup } from './channel-args.ts';

export const channelShowCommand: CliCommand = {
  name: 'channel show',
  help: `Usage: botyard channel show <type:id> [--json]

Shows the channel's name, creator, custom data and members (up to 100) with their roles.
Exits 1 when there is no such channel.
${CHANNEL_ENV_NOTE}

Example:
  botyard channel show messaging:kung-fu`,
  async run(args, flags, io) {
    const ctx = setup('channel show', args, io);
    if (typeof ctx === 'number') return ctx;
    let channel;
    try {
      channel = await createOperatorOps(ctx.ops.client).showChannel(ctx.cid);
    } catch (err) {
      io.err(`botyard channel show: ${(err as Error).message}`);
      return 1;
    }
    if (!channel) {
      io.err(`botyard channel show: there is no channel ${ctx.cid} (see \`botyard channel list\`).`);
      return 1;
    }
    if (flags.json) {
      io.out(JSON.stringify(channel, null, 2));
      return 0;
    }
    io.out(`${channel.cid}${channel.name ? `  "${channel.name}"` : ''}`);
    if (channel.createdBy) io.out(`  created by ${channel.createdBy}${channel.createdAt ? ` at ${channel.createdAt}` : ''}`);
    if (Object.keys(channel.data).length) io.out(`  data: ${JSON.stringify(channel.data)}`);
    io.out(`  ${channel.memberCount} member${channel.memberCount === 1 ? '' : 's'}:`);
    for (const m of channel.members) io.out(`    ${m.id}${m.name ? ` (${m.name})` : ''}${m.role === 'channel_moderator' ? '  moderator' : ''}${m.banned ? '  banned' : ''}`);
    return 0;
  },
};
