import type { CliCommand } from '../command.ts';
import { attempt, CHANNEL_ENV_NOTE, list, parseData, setup } from './channel-args.ts';

export const channelCreateCommand: CliCommand = {
  name: 'channel create',
  help: `Usage: botyard channel create <type:id> --created-by <userId> [--name N] [--image URL] [--members a,b] [--data JSON]

Creates the channel (get-or-create: an existing channel is left as it is). Stream needs a creator
for server-side calls: --created-by, or the first of --members. Custom fields go in --data.
${CHANNEL_ENV_NOTE}

Example:
  botyard channel create messaging:kung-fu --created-by john --name "Kung Fu" --members john,alice --data '{"level":"beginner"}'`,
  async run(args, flags, io) {
    const ctx = setup('channel create', args, io);
    if (typeof ctx === 'number') return ctx;
    const data = parseData(flags.data);
    if (typeof data === 'string') {
      io.err(`botyard channel create: ${data}`);
      return 2;
    }
    const members = list(flags.members);
    const createdBy = typeof flags['created-by'] === 'string' ? flags['created-by'] : members[0];
    if (!createdBy) {
      io.err('botyard channel create: name the creator with --created-by <userId> (Stream requires one for server-side calls).');
      return 2;
    }
    return attempt('channel create', io, async () => {
      const res = await ctx.ops.createChannel(ctx.cid, {
        createdBy,
        members,
        data,
        ...(typeof flags.name === 'string' ? { name: flags.name } : {}),
        ...(typeof flags.image === 'string' ? { image: flags.image } : {}),
      });
      return res.created ? `Created ${res.cid}.` : `${res.cid} already exists; left as it is (use \`botyard channel update\`).`;
    });
  },
};
