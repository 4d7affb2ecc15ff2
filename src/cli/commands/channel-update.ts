import type { CliCommand } from '../command.ts';
import { attempt, CHANNEL_ENV_NOTE, list, parseData, setup } from './channel-args.ts';

export const channelUpdateCommand: CliCommand = {
  name: 'channel update',
  help: `Usage: botyard channel update <type:id> [--name N] [--image URL] [--data JSON] [--unset key1,key2]

A partial update: the fields you name change, the others stay.
${CHANNEL_ENV_NOTE}

Example:
  botyard channel update messaging:kung-fu --name "Kung Fu Dojo" --image https://example.com/dojo.png --data '{"level":"advanced"}'`,
  async run(args, flags, io) {
    const ctx = setup('channel update', args, io);
    if (typeof ctx === 'number') return ctx;
    const data = parseData(flags.data);
    if (typeof data === 'string') {
      io.err(`botyard channel update: ${data}`);
      return 2;
    }
    const unset = list(flags.unset);
    const name = typeof flags.name === 'string' ? flags.name : undefined;
    const image = typeof flags.image === 'string' ? flags.image : undefined;
    if (name === undefined && image === undefined && !Object.keys(data).length && !unset.length) {
      io.err('botyard channel update: nothing to change; give --name, --image, --data or --unset.');
      return 2;
    }
    return attempt('channel update', io, async () => {
      await ctx.ops.updateChannel(ctx.cid, { name, image, data, unset });
      return `Updated ${ctx.cid}.`;
    });
  },
};
