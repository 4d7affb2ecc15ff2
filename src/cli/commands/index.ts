/** Every CLI command, in the order `botyard --help` lists them. */
import type { CliCommand } from '../command.ts';
import { checkCommand } from './check.ts';
import { deadLettersCommand, replayCommand } from './dead-letters.ts';
import { devCommand } from './dev.ts';
import { emulatorCommand } from './emulator.ts';
import { newCommand } from './new.ts';
import { startCommand } from './start.ts';

export const commands: CliCommand[] = [devCommand, startCommand, emulatorCommand, checkCommand, newCommand, deadLettersCommand, replayCommand];
