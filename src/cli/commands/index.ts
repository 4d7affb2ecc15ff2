/**
 * Every CLI command, in the order `botyard --help` lists them: its name and summary here, the rest
 * (help text, run, and whatever the command needs: an SDK, the runtime, the emulators) imported only
 * when that command runs. `botyard --help` and `botyard start` so never pay for the others' dependencies
 * (stream-chat with axios, the Azure SDKs, the emulators...).
 */
import type { CliCommand } from '../command.ts';

export interface CommandEntry {
  /** As typed: `token`, `users sync`, `channel create`. Multi-word names are matched greedily. */
  name: string;
  /** One line for `botyard --help`. */
  summary: string;
  /** Imports the command's module. */
  load(): Promise<CliCommand>;
}

export const commands: CommandEntry[] = [
  {
    name: 'dev', summary: 'emulators + runtime + console, with hot reload: develop bots with no account',
    load: async () => (await import('./dev.ts')).devCommand,
  },
  {
    name: 'start', summary: 'run the bots in production (platforms from the environment)',
    load: async () => (await import('./start.ts')).startCommand,
  },
  {
    name: 'emulator', summary: 'serve the Stream (http) and ACS (https) emulators alone, and print how to reach them',
    load: async () => (await import('./emulator.ts')).emulatorCommand,
  },
  {
    name: 'emulator webhook', summary: "point a running emulator's webhooks (Stream) or Event Grid deliveries (ACS) at a URL",
    load: async () => (await import('./emulator-webhook.ts')).emulatorWebhookCommand,
  },
  {
    name: 'emulator fault', summary: 'inject faults into a running emulator (429, 5xx, slow answers, duplicated or reordered deliveries)',
    load: async () => (await import('./emulator-fault.ts')).emulatorFaultCommand,
  },
  {
    name: 'say', summary: 'post a message as a user in a Stream channel or an ACS thread (drive a bot from the shell)',
    load: async () => (await import('./say.ts')).sayCommand,
  },
  {
    name: 'check', summary: 'validate bot.config.ts, the environment and every bot; non-zero exit on any problem',
    load: async () => (await import('./check.ts')).checkCommand,
  },
  {
    name: 'new', summary: 'scaffold a bot and its test',
    load: async () => (await import('./new.ts')).newCommand,
  },
  {
    name: 'token', summary: 'print a Stream user token (JWT signed with STREAM_API_SECRET)',
    load: async () => (await import('./token.ts')).tokenCommand,
  },
  {
    name: 'users sync', summary: 'upsert the Stream users listed in a JSON file, 100 per call',
    load: async () => (await import('./users-sync.ts')).usersSyncCommand,
  },
  {
    name: 'users list', summary: 'list Stream users (by id), optionally those whose id or name contains a word',
    load: async () => (await import('./users-list.ts')).usersListCommand,
  },
  {
    name: 'users delete', summary: 'delete Stream users',
    load: async () => (await import('./users-delete.ts')).usersDeleteCommand,
  },
  {
    name: 'channel list', summary: 'list Stream channels, newest first',
    load: async () => (await import('./channel-list.ts')).channelListCommand,
  },
  {
    name: 'channel show', summary: 'show one Stream channel: name, custom data, members and their roles',
    load: async () => (await import('./channel-show.ts')).channelShowCommand,
  },
  {
    name: 'channel create', summary: 'create a Stream channel (or leave an existing one as it is)',
    load: async () => (await import('./channel-create.ts')).channelCreateCommand,
  },
  {
    name: 'channel update', summary: 'change a Stream channel\'s name, image or custom fields',
    load: async () => (await import('./channel-update.ts')).channelUpdateCommand,
  },
  {
    name: 'channel members', summary: 'add or remove members of a Stream channel',
    load: async () => (await import('./channel-members.ts')).channelMembersCommand,
  },
  {
    name: 'channel moderators', summary: 'promote members of a Stream channel to moderators, or demote them',
    load: async () => (await import('./channel-moderators.ts')).channelModeratorsCommand,
  },
  {
    name: 'channel delete', summary: 'delete a Stream channel',
    load: async () => (await import('./channel-delete.ts')).channelDeleteCommand,
  },
  {
    name: 'ban', summary: 'ban a Stream user from the app or one channel (--undo lifts it)',
    load: async () => (await import('./ban.ts')).banCommand,
  },
  {
    name: 'mute', summary: "mute a Stream user for another user, e.g. the bot (--undo unmutes)",
    load: async () => (await import('./mute.ts')).muteCommand,
  },
  {
    name: 'stream hooks', summary: 'point a Stream app\'s webhook and before-send hook at your botyard',
    load: async () => (await import('./stream-hooks.ts')).streamHooksCommand,
  },
  {
    name: 'acs identity', summary: 'create an ACS user for the bot and print its id (for ACS_BOT_USER_ID)',
    load: async () => (await import('./acs-identity.ts')).acsIdentityCommand,
  },
  {
    name: 'dead-letters', summary: 'list events whose handlers failed every retry (SQLite or Redis)',
    load: async () => (await import('./dead-letters.ts')).deadLettersCommand,
  },
  {
    name: 'replay', summary: 'put a dead-lettered event back on the queue (SQLite or Redis)',
    load: async () => (await import('./dead-letters.ts')).replayCommand,
  },
];
