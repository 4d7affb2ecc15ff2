/**
 * `botyard dev`'s watchers (the bots folder, bot.config.ts), opened together so a failure closes the
 * ones already open, and a folder that cannot be watched is an error that says what to do.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { BotyardConfig } from '../config/load.ts';
import { BotyardError } from '../errors.ts';
import type { BotRegistry } from '../runtime/bot-registry.ts';
import { watchConfig } from '../runtime/config-reload.ts';
import { watchBots } from '../runtime/hot-reload.ts';

export interface Watchers {
  close(): void;
}

const shown = (dir: string) => path.relative(process.cwd(), dir) || '.';

/** Throws, before anything else starts, when the bots folder hot reload would watch is not a folder. */
export function requireBotsFolder(config: BotyardConfig): void {
  const dir = config.botsPath;
  if (existsSync(dir) && statSync(dir).isDirectory()) return;
  throw new BotyardError(
    'BOTS_DIR_MISSING',
    `the bots folder ${shown(dir)} (botsDir '${config.botsDir}') ${existsSync(dir) ? 'is not a folder' : 'does not exist'}, so dev cannot watch it for changes. ` +
      `Fix: create it (\`botyard new <name>\` makes a bot there), or point botsDir in bot.config.ts at your bots.`,
  );
}

/** Opens both watchers; if one fails, the other is closed and the error says which folder and what to do. */
export function openDevWatchers(options: { config: BotyardConfig; registry: BotRegistry; log: Logger; load: () => Promise<BotyardConfig> }): Watchers {
  const { config, registry, log } = options;
  const open: Watchers[] = [];
  const close = () => {
    for (const w of open.splice(0)) w.close();
  };
  try {
    try {
      open.push(watchBots({ dir: config.botsPath, registry, log }));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const limit = code === 'ENOSPC' || code === 'EMFILE' ? ' The system ran out of file watchers: raise fs.inotify.max_user_watches (Linux) or close other watching tools.' : '';
      throw new BotyardError('BOTS_DIR_UNWATCHABLE', `cannot watch the bots folder ${shown(config.botsPath)} for changes (${(err as Error).message}).${limit} Fix: make sure it is a readable folder, or set botsDir in bot.config.ts.`, { cause: err });
    }
    if (config.configFile) open.push(watchConfig({ file: config.configFile, current: config, load: options.load, registry, log }));
  } catch (err) {
    close();
    throw err;
  }
  return { close };
}
