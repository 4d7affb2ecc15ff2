import { createOperatorOps } from '../../adapters/stream/index.ts';
import type { CliCommand } from '../command.ts';
import { attempt, CHANNEL_ENV_NOTE, streamOps } from './channel-args.ts';

export const usersListCommand: CliCommand = {
  name: 'users list',
  help: `Usage: botyard users list [--query word] [--limit 30] [--json]

Lists users by id with their name, role and whether they are banned.
${CHANNEL_ENV_NOTE}

Example:
  botyard users list --query ali`,
  async run(_args, flags, io) {
    const ops = streamOps('users list', io);
    if (typeof ops === 'number') return ops;
    const limit = flags.limit === undefined ? 30 : Number(flags.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      io.err(`botyard users list: --limit must be a whole number from 1 to 100, got '${String(flags.limit)}'.`);
      return 2;
    }
    return attempt('users list', io, async () => {
      const users = await createOperatorOps(ops.client).listUsers({ limit, ...(typeof flags.query === 'string' ? { query: flags.query } : {}) });
      if (flags.json) return JSON.stringify(users, null, 2);
      if (!users.length) return 'No users.';
      return users.map((u) => `${u.id}${u.name ? `  "${u.name}"` : ''}  ${u.role}${u.banned ? '  banned' : ''}`).join('\n');
    });
  },
};
