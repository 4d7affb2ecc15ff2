import { streamOpsFromEnv } from '../../adapters/stream/index.ts';
import type { CliCommand } from '../command.ts';

/** The routes `botyard start` serves for Stream. */
export const STREAM_WEBHOOK_PATH = '/webhooks/stream';
export const STREAM_BEFORE_SEND_PATH = '/webhooks/stream/before-send';

export const streamHooksCommand: CliCommand = {
  name: 'stream hooks',
  help: `Usage: botyard stream hooks --url <https://your.host>

Sets two app settings on the Stream app named by STREAM_API_KEY / STREAM_API_SECRET (STREAM_BASE_URL for
another endpoint), through the SDK's updateAppSettings, then prints what the app now says:
  webhook_url                   <url>${STREAM_WEBHOOK_PATH}               (events: messages, members, bans, ...)
  before_message_send_hook_url  <url>${STREAM_BEFORE_SEND_PATH}   (bot.beforeSend: decide before a message is stored)
<url> is where botyard start is reachable from the internet (Stream calls it; a tunnel works in development).
botyard dev sets both on its emulator by itself.

Example:
  botyard stream hooks --url https://bots.example.com`,
  async run(args, flags, io) {
    const raw = flags.url;
    if (typeof raw !== 'string' || args.length) {
      io.err('botyard stream hooks: give the public base URL of your botyard, e.g. --url https://bots.example.com (see --help).');
      return 2;
    }
    let base: URL;
    try {
      base = new URL(raw);
    } catch {
      io.err(`botyard stream hooks: --url '${raw}' is not a URL; write it like https://bots.example.com.`);
      return 2;
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') {
      io.err(`botyard stream hooks: --url must be http(s), got ${base.protocol}`);
      return 2;
    }
    const found = streamOpsFromEnv(io.env);
    if ('error' in found) {
      io.err(`botyard stream hooks: ${found.error}`);
      return 1;
    }
    const root = base.toString().replace(/\/+$/, '');
    try {
      const now = await found.ops.setHooks({ webhook_url: `${root}${STREAM_WEBHOOK_PATH}`, before_message_send_hook_url: `${root}${STREAM_BEFORE_SEND_PATH}` });
      io.out(`Stream app ${io.env.STREAM_API_KEY} now has:`);
      io.out(`  webhook_url                   ${now.webhook_url || '(none)'}`);
      io.out(`  before_message_send_hook_url  ${now.before_message_send_hook_url || '(none)'}`);
      if (base.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(base.hostname)) {
        io.err('Note: Stream signs its calls but does not encrypt them over http; prefer an https URL.');
      }
      return 0;
    } catch (err) {
      io.err(`botyard stream hooks: ${(err as Error).message}`);
      return 1;
    }
  },
};
