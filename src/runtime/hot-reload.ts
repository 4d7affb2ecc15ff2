/**
 * `botyard dev`'s hot reload: watches the bots folder and reloads only the bot whose file changed
 * (added, edited or removed), leaving the other bots and every bot's state untouched.
 */
import { existsSync, watch } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { BotRegistry } from './bot-registry.ts';
import type { BotProblem, LoadedBot } from './loaded-bot.ts';
import { botFileFor } from './loader.ts';

export type ReloadResult = { file: string; outcome: 'loaded'; bot: LoadedBot } | { file: string; outcome: 'failed'; problem: BotProblem } | { file: string; outcome: 'removed'; bot: string | undefined };

export interface HotReloadOptions {
  dir: string;
  registry: BotRegistry;
  log: Logger;
  /** Editors save in bursts; changes within this window are one reload. Default 80 ms. */
  debounceMs?: number;
  onReload?(result: ReloadResult): void;
}

export function watchBots(options: HotReloadOptions): { close(): void } {
  const { dir, registry, log } = options;
  const timers = new Map<string, NodeJS.Timeout>();
  // Reloads of one file run one after another, so a slow import never lands after a newer one.
  let chain = Promise.resolve();

  const reload = (file: string) => {
    chain = chain.then(async () => {
      let result: ReloadResult;
      if (existsSync(file)) {
        const loaded = await registry.loadFile(file);
        result = 'reason' in loaded ? { file, outcome: 'failed', problem: loaded } : { file, outcome: 'loaded', bot: loaded };
        if ('reason' in loaded) log.warn(`reload of ${path.relative(process.cwd(), file)} failed; the previous version keeps running`);
        else log.info({ bot: loaded.name }, `reloaded ${loaded.name} from ${path.relative(process.cwd(), file)}`);
      } else {
        const name = registry.unloadFile(file);
        result = { file, outcome: 'removed', bot: name };
        if (name) log.info({ bot: name }, `removed ${name}: its file is gone`);
      }
      options.onReload?.(result);
    });
  };

  const watcher = watch(dir, { recursive: true }, (_type, name) => {
    if (!name) return;
    const file = botFileFor(dir, path.join(dir, name.toString()));
    if (!file) return;
    clearTimeout(timers.get(file));
    timers.set(file, setTimeout(() => {
      timers.delete(file);
      reload(file);
    }, options.debounceMs ?? 80));
  });

  return {
    close() {
      watcher.close();
      for (const t of timers.values()) clearTimeout(t);
    },
  };
}
