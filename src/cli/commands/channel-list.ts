import { createOperatorOps } from '../../adapters/stream/index.ts';
import type { CliCommand } from '../command.ts';
import { attempt, CHANNEL_ENV_NOTE, streamOps } from './channel-args.ts';

export const channelListCommand: CliCommand = {
  name: 'channel list',
  help: `Usage: botyard channel list [--type messaging] [--limit 30] [--json]

Lists channels, newest first: id, name, member count and creator. --json prints them as JSON.
${CHANNEL_ENV_NOTE}

Example:
  botyard channel list --type messaging --limit 10`,
  async run(_args, flags, io) {
    const ops = streamOps('channel list', io);
    if (typeof ops === 'number') return ops;
    const limit = flags.limit === undefined ? 30 : Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 30) {
      io.err(`botyard channel list: --limit must be a whole number from 1 to 30 (Stream's page size), got '${String(flags.limit)}'.`);
      return 2;
    }
    return attempt('channel list', io, async () => {
      const channels = await createOperatorOps(ops.client).listChannels({ limit, ...(typeof flags.type === 'string' ? { type: flags.type } : {}) });
      if (flags.json) return JSON.stringify(channels, null, 2);
      if (!channels.length) return 'No channels.';
      return channels.map((c) => `${c.cid}  ${c.name ? `"${c.name}"  ` : ''}${c.memberCount} member${c.memberCount === 1 ? '' : 's'}${c.createdBy ? `  created by ${c.createdBy}` : ''}`).join('\n');
    });
  },
};
