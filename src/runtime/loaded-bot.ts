import type { Logger } from 'pino';
import type { BotTimers } from '../scheduler/timers/timers.ts';
import type { StateStore } from '../state/store.ts';
import type { BotDefinition, BotRegistration } from './bot.ts';
import type { ErrorLocation } from './error-location.ts';

/** A bot after loading: its handlers and schedules registered, its config validated. */
export interface LoadedBot {
  name: string;
  /** The file it came from, when loaded from disk. */
  file?: string;
  definition: BotDefinition;
  registration: BotRegistration;
  config: unknown;
  store: StateStore;
  /** This bot's one-off timers (`ctx.timers`). */
  timers: BotTimers;
  log: Logger;
}

/** A bot that could not be loaded: reported, skipped, and the others run. */
export interface BotProblem {
  file: string;
  /** The bot's name when known. */
  name?: string;
  reason: string;
  fix: string;
  /** Where in the bot's own code it went wrong (a syntax error, a throw at import or in setup), when known. */
  location?: ErrorLocation;
  /** The offending line(s) with a caret, for terminals and the console. */
  frame?: string;
}

/** One problem as every place shows it (the start banner, `check`, a refused `start`, the log): file, reason with its place, fix, then the code frame. */
export function formatBotProblem(p: BotProblem): string {
  return `${p.file}: ${p.reason}. Fix: ${p.fix}${p.frame ? `\n${p.frame}` : ''}`;
}
