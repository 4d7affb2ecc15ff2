/** Every CLI command, in the order `botyard --help` lists them. */
import type { CliCommand } from '../command.ts';
import { acsIdentityCommand } from './acs-identity.ts';
import { banCommand } from './ban.ts';
import { channelDeleteCommand } from './channel-delete.ts';
import { channelListCommand } from './channel-list.ts';
import { channelShowCommand } from './channel-show.ts';
import { channelCreateCommand } from './channel-create.ts';
import { channelMembersCommand } from './channel-members.ts';
import { channelModeratorsCommand } from './channel-moderators.ts';
import { channelUpdateCommand } from './channel-update.ts';
import { checkCommand } from './check.ts';
import { deadLettersCommand, replayCommand } from './dead-letters.ts';
import { devCommand } from './dev.ts';
import { emulatorCommand } from './emulator.ts';
import { emulatorFaultCommand } from './emulator-fault.ts';
import { emulatorWebhookCommand } from './emulator-webhook.ts';
import { muteCommand } from './mute.ts';
import { newCommand } from './new.ts';
import { sayCommand } from './say.ts';
import { startCommand } from './start.ts';
import { streamHooksCommand } from './stream-hooks.ts';
import { tokenCommand } from './token.ts';
import { usersDeleteCommand } from './users-delete.ts';
import { usersListCommand } from './users-list.ts';
import { usersSyncCommand } from './users-sync.ts';

export const commands: CliCommand[] = [
  devCommand,
  startCommand,
  emulatorCommand,
  emulatorWebhookCommand,
  emulatorFaultCommand,
  sayCommand,
  checkCommand,
  newCommand,
  tokenCommand,
  usersSyncCommand,
  usersListCommand,
  usersDeleteCommand,
  channelListCommand,
  channelShowCommand,
  channelCreateCommand,
  channelUpdateCommand,
  channelMembersCommand,
  channelModeratorsCommand,
  channelDeleteCommand,
  banCommand,
  muteCommand,
  streamHooksCommand,
  acsIdentityCommand,
  deadLettersCommand,
  replayCommand,
];
