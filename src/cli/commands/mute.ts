/** `botyard mute`: a thin command over the server client's muteUser / unmuteUser. */
import type { CliCommand } from '../command.ts';
import { CHANNEL_ENV_NOTE, streamOps } from './channel-args.ts';

export const muteCommand: CliCommand = {
  name: 'mute',
  help: `Usage: botyard mute <userId> --by <userId> [--timeout minutes] [--undo]

Stream mutes are per user: --by stops seeing <userId>'s messages (notifications and, in clients that
honour mutes, the messages themselves); --timeout makes the mute lapse after that many minutes.
--undo unmutes. To keep someone out of a channel, use \`botyard ban\`.
${CHANNEL_ENV_NOTE}

Examples:
  botyard mute noisy-bot --by botyard --timeout 60
  botyard mute noisy-bot --by botyard --undo`,
  async run(args, flags, io) {
    const target = args[0];
    if (!target || args.length > 1) {
      io.err('botyard mute: give exactly one user id, e.g. `botyard mute noisy --by botyard`.');
      return 2;
    }
    if (typeof flags.by !== 'string') {
      io.err('botyard mute: say who mutes with --by <userId> (Stream mutes are per user).');
      return 2;
    }
    const timeout = flags.timeout === undefined ? undefined : Number(flags.timeout);
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout <= 0)) {
      io.err(`botyard mute: --timeout must be a whole number of minutes above 0, got '${String(flags.timeout)}'.`);
      return 2;
    }
    const ops = streamOps('mute', io);
    if (typeof ops === 'number') return ops;
    const client = ops.client;
    try {
      if (flags.undo === true) {
        await client.unmuteUser(target, flags.by);
        io.out(`${flags.by} no longer mutes ${target}`);
      } else {
        await client.muteUser(target, flags.by, timeout ? { timeout } : {});
        io.out(`${flags.by} mutes ${target}${timeout ? ` for ${timeout} minute${timeout === 1 ? '' : 's'}` : ''}`);
      }
      return 0;
    } catch (err) {
      io.err(`botyard mute: ${(err as Error).message}`);
      return 1;
    }
  },
};
