/**
 * `botyard dev` watches bot.config.ts too. A bot's settings (`bots.<name>`) apply at once: that bot
 * reloads with them, the others keep running. Any other change is acknowledged, naming the keys that
 * need a restart, and a config that no longer loads is reported (file:line:col) while the running
 * one stays.
 */
import { watch } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { BotyardConfig } from '../config/load.ts';
import { ConfigError } from '../errors.ts';
import type { BotRegistry } from './bot-registry.ts';

export type ConfigReloadResult =
  | { outcome: 'applied'; reloadedBots: string[]; needsRestart: string[] }
  | { outcome: 'unchanged' }
  | { outcome: 'failed'; issues: string[] };

export interface ConfigWatchOptions {
  file: string;
  /** The config in effect now; replaced by each one that loads. */
  current: BotyardConfig;
  /** Loads the file again (loadConfig with the options the process started with). */
  load(): Promise<BotyardConfig>;
  registry: BotRegistry;
  log: Logger;
  /** Editors save in bursts; changes within this window are one reload. Default 100 ms. */
  debounceMs?: number;
  onReload?(result: ConfigReloadResult): void;
}

/** Keys that come from the environment or are derived, not written in bot.config.ts. */
const NOT_FILE_KEYS = new Set(['env', 'botsPath', 'configFile', 'bots']);

/** A comparable form: functions (onError) by their source. */
const comparable = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'function' ? `fn:${String(v)}` : v));

/** Top-level keys whose value differs, and the names of bots whose settings differ. */
export function diffConfig(before: BotyardConfig, after: BotyardConfig): { keys: string[]; bots: string[] } {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => !NOT_FILE_KEYS.has(k))
    .filter((k) => comparable((before as unknown as Record<string, unknown>)[k]) !== comparable((after as unknown as Record<string, unknown>)[k]));
  const names = new Set([...Object.keys(before.bots), ...Object.keys(after.bots)]);
  const bots = [...names].filter((n) => comparable(before.bots[n]) !== comparable(after.bots[n]));
  return { keys, bots };
}

export function watchConfig(options: ConfigWatchOptions): { close(): void } {
  const { registry, log } = options;
  const base = path.basename(options.file);
  let current = options.current;
  let timer: NodeJS.Timeout | undefined;
  let chain = Promise.resolve();

  const reload = async (): Promise<ConfigReloadResult> => {
    let next: BotyardConfig;
    try {
      next = await options.load();
    } catch (err) {
      const issues = err instanceof ConfigError ? err.issues : [String((err as Error)?.message ?? err)];
      log.error(`${base} changed but does not load; the running config stays:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
      return { outcome: 'failed', issues };
    }
    const { keys, bots } = diffConfig(current, next);
    current = next;
    if (!keys.length && !bots.length) return { outcome: 'unchanged' };
    registry.setBotsConfig(next.bots);
    const reloadedBots: string[] = [];
    for (const name of bots) {
      const file = registry.get(name)?.file ?? registry.problems().find((p) => p.name === name)?.file;
      if (!file || file.startsWith('(code:')) continue;
      const result = await registry.loadFile(file);
      if (!('reason' in result)) reloadedBots.push(result.name);
    }
    if (reloadedBots.length) log.info(`${base} changed: reloaded ${reloadedBots.join(', ')} with the new settings`);
    if (keys.length) log.warn(`${base} changed: ${keys.join(', ')} ${keys.length === 1 ? 'needs' : 'need'} a restart to apply (stop botyard dev with Ctrl-C and start it again)`);
    return { outcome: 'applied', reloadedBots, needsRestart: keys };
  };

  const watcher = watch(path.dirname(options.file), (_type, name) => {
    if (name?.toString() !== base) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      chain = chain.then(async () => options.onReload?.(await reload()));
    }, options.debounceMs ?? 100);
  });

  return {
    close() {
      watcher.close();
      clearTimeout(timer);
    },
  };
}
