import { createOperatorOps } from '../../adapters/stream/index.ts';
import type { CliCommand } from '../command.ts';
import { attempt, CHANNEL_ENV_NOTE, setup } from './channel-args.ts';

export const channelDeleteCommand: CliCommand = {
  name: 'channel delete',
  help: `Usage: botyard channel delete <type:id> --yes [--hard]

Deletes the channel (--hard: its messages too, for good). Asks for --yes, since it cannot be undone.
A channel that does not exist is reported as "nothing to do".
${CHANNEL_ENV_NOTE}

Example:
  botyard channel delete messaging:old-project --yes`,
  async run(args, flags, io) {
    const ctx = setup('channel delete', args, io);
    if (typeof ctx === 'number') return ctx;
    if (flags.yes !== true) {
      io.err(`botyard channel delete: this deletes ${ctx.cid} for everyone; run again with --yes to confirm.`);
      return 2;
    }
    const ops = createOperatorOps(ctx.ops.client);
    return attempt('channel delete', io, async () => {
      if (!(await ops.showChannel(ctx.cid))) return `There is no channel ${ctx.cid}: nothing to do.`;
      await ops.deleteChannel(ctx.cid, { hard: flags.hard === true });
      return `Deleted ${ctx.cid}${flags.hard === true ? ' and its messages' : ''}.`;
    });
  },
};
