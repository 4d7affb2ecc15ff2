/**
 * The live set of bots: loaded from a folder or given in code, reloaded one file at a time (hot
 * reload), with the problems of bots that could not load kept for `botyard check` and the console.
 */
import type { Logger } from 'pino';
import type { BotyardConfig } from '../config/load.ts';
import type { Scheduler } from '../scheduler/scheduler.ts';
import type { Timers } from '../scheduler/timers/timers.ts';
import type { StateStore } from '../state/store.ts';
import type { BotDefinition } from './bot.ts';
import { formatBotProblem, type BotProblem, type LoadedBot } from './loaded-bot.ts';
import { discoverBotFiles, importBot } from './loader.ts';
import { isProblem, setupBot } from './setup-bot.ts';

export interface RegistryDeps {
  config: BotyardConfig;
  store: StateStore;
  log: Logger;
  scheduler: Scheduler;
  timers: Timers;
}

export function createBotRegistry(deps: RegistryDeps) {
  const bots = new Map<string, LoadedBot>();
  /** Problems by file. */
  const problems = new Map<string, BotProblem>();
  const { memoryStoreMaxKeysPerBot: maxKeys, memoryStoreMaxBytesPerBot: maxBytes } = deps.config.containment;
  const setupDeps = { botsConfig: deps.config.bots, store: deps.store, timers: deps.timers, log: deps.log, memoryCap: { maxKeys, maxBytes } };

  function report(problem: BotProblem) {
    problems.set(problem.file, problem);
    deps.log.error({ file: problem.file, bot: problem.name }, `bot skipped: ${formatBotProblem(problem)}`);
  }

  /** Puts a loaded bot in place of any earlier version, schedules included. */
  function install(bot: LoadedBot): BotProblem | undefined {
    const clash = bots.get(bot.name);
    if (clash && clash.file !== bot.file) {
      return { file: bot.file ?? bot.name, name: bot.name, reason: `another bot is already named '${bot.name}' (${clash.file})`, fix: 'give each bot a unique name' };
    }
    deps.scheduler.removeBot(bot.name);
    try {
      for (const entry of bot.registration.schedules) deps.scheduler.add(bot.name, entry);
    } catch (err) {
      deps.scheduler.removeBot(bot.name);
      if (clash) for (const entry of clash.registration.schedules) deps.scheduler.add(clash.name, entry);
      return { file: bot.file ?? bot.name, name: bot.name, reason: (err as Error).message, fix: 'correct the cron expression' };
    }
    bots.set(bot.name, bot);
    return undefined;
  }

  async function loadDefinition(definition: BotDefinition, file: string): Promise<LoadedBot | BotProblem> {
    const result = await setupBot(definition, file, setupDeps);
    if (isProblem(result)) return result;
    return install(result) ?? result;
  }

  return {
    get: (name: string) => bots.get(name),
    all: () => bots.values(),
    names: () => [...bots.keys()],
    problems: () => [...problems.values()],

    /** New `bots.<name>` settings (bot.config.ts edited in dev); they apply to each bot as it next (re)loads. */
    setBotsConfig(botsConfig: Record<string, unknown>): void {
      setupDeps.botsConfig = botsConfig;
    },

    async loadDefinitions(definitions: BotDefinition[]): Promise<void> {
      for (const d of definitions) {
        const result = await loadDefinition(d, `(code:${d.name})`);
        if (isProblem(result)) report(result);
      }
    },

    async loadFolder(dir: string): Promise<void> {
      for (const file of discoverBotFiles(dir)) await this.loadFile(file);
    },

    /** (Re)loads one bot file; on failure the previous version of that bot keeps running. */
    async loadFile(file: string): Promise<LoadedBot | BotProblem> {
      const definition = await importBot(file);
      const result = 'reason' in definition ? definition : await loadDefinition(definition, file);
      if (isProblem(result)) {
        report(result);
        return result;
      }
      problems.delete(file);
      // A file that now defines a different bot name retires the old one.
      for (const [name, bot] of bots) if (bot.file === file && name !== result.name) this.remove(name);
      return result;
    },

    /** Unloads the bot that came from `file` (the file was deleted). */
    unloadFile(file: string): string | undefined {
      problems.delete(file);
      for (const [name, bot] of bots) {
        if (bot.file === file) {
          this.remove(name);
          return name;
        }
      }
      return undefined;
    },

    remove(name: string): void {
      deps.scheduler.removeBot(name);
      bots.delete(name);
    },

    close(): void {
      bots.clear();
    },
  };
}

export type BotRegistry = ReturnType<typeof createBotRegistry>;
