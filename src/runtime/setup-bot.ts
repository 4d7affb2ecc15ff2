/**
 * Turns a bot definition into a LoadedBot: validates its config with its own zod schema, then runs
 * `setup` against a fresh BotBuilder. Problems come back as a BotProblem, never thrown.
 */
import type { Logger } from 'pino';
import type { Timers } from '../scheduler/timers/timers.ts';
import { capBotStore } from '../state/bot-store-cap.ts';
import { isMemoryStore } from '../state/memory.ts';
import { scoped, type StateStore } from '../state/store.ts';
import { BotBuilder, type BotDefinition } from './bot.ts';
import { runAs } from './handler-scope.ts';
import { describeFailure } from './import-failure.ts';
import type { BotProblem, LoadedBot } from './loaded-bot.ts';

export interface SetupDeps {
  /** Everything under `bots` in bot.config.ts. */
  botsConfig: Record<string, unknown>;
  store: StateStore;
  timers: Timers;
  log: Logger;
  /** Per-bot cap on state held in the memory store (security: containment). */
  memoryCap?: { maxKeys: number; maxBytes: number };
}

export async function setupBot(definition: BotDefinition, file: string, deps: SetupDeps): Promise<LoadedBot | BotProblem> {
  const name = definition.name;
  let config: unknown = deps.botsConfig[name] ?? {};
  if (definition.config) {
    const result = definition.config.safeParse(config);
    if (!result.success) {
      const issues = result.error.issues.map((i) => `bots.${name}.${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      return { file, name, reason: `invalid config (${issues})`, fix: `correct bots.${name} in bot.config.ts to match the bot's config schema` };
    }
    config = result.data;
  }
  const builder = new BotBuilder(name);
  try {
    // As the bot: a process.exit() in setup is refused naming it (exit-guard.ts).
    await runAs({ bot: name, label: 'setup' }, () => definition.setup(builder, config));
  } catch (err) {
    const failure = describeFailure(err, "fix the error in the bot's setup function");
    return { file, name, ...failure, reason: `setup() threw: ${failure.reason}` };
  }
  return {
    name,
    file,
    definition,
    registration: builder.registration,
    config,
    store: botStore(deps, name),
    timers: deps.timers.forBot(name),
    log: deps.log.child({ bot: name }),
  };
}

export function isProblem(value: LoadedBot | BotProblem): value is BotProblem {
  return 'reason' in value;
}

/** The bot's own view of the store: keys under `bot:<name>:`, capped when they live in process memory. */
function botStore(deps: SetupDeps, name: string): StateStore {
  const view = scoped(deps.store, `bot:${name}`);
  return deps.memoryCap && isMemoryStore(deps.store) ? capBotStore(deps.store, view, { bot: name, ...deps.memoryCap }) : view;
}
