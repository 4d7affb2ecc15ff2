/**
 * Finds and imports bots from a folder: every `bots/<name>.ts` and `bots/<name>/index.ts`
 * (also .js/.mjs) that default-exports `defineBot(...)`. Test files and files starting with `_`
 * are not bots. A file that fails is reported with a reason and a fix, and skipped.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { importFresh } from './import-fresh.ts';
import { describeFailure } from './import-failure.ts';
import { isBotDefinition, type BotDefinition } from './bot.ts';
import type { BotProblem } from './loaded-bot.ts';

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** The bot entry files in `dir`, sorted. */
export function discoverBotFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('_') || entry.startsWith('.')) continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) {
      const index = EXTENSIONS.map((ext) => path.join(full, `index${ext}`)).find((f) => existsSync(f));
      if (index) files.push(index);
    } else if (EXTENSIONS.includes(path.extname(entry)) && !/\.(test|spec|d)\.[mc]?[jt]s$/.test(entry)) {
      files.push(full);
    }
  }
  return files;
}

/** Which bot file a changed path belongs to (a file inside `bots/<name>/` belongs to its index). */
export function botFileFor(dir: string, changed: string): string | undefined {
  const rel = path.relative(dir, changed);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const [first, ...rest] = rel.split(path.sep);
  if (!first) return undefined;
  if (rest.length === 0) return EXTENSIONS.includes(path.extname(first)) ? changed : undefined;
  return EXTENSIONS.map((ext) => path.join(dir, first, `index${ext}`)).find((f) => existsSync(f)) ?? path.join(dir, first, 'index.ts');
}

/** Imports one bot file fresh (no module cache). */
export async function importBot(file: string): Promise<BotDefinition | BotProblem> {
  let mod: { default?: unknown };
  try {
    mod = (await importFresh(file)) as { default?: unknown };
  } catch (err) {
    const failure = describeFailure(err, 'correct the error it names');
    return { file, ...failure, reason: `cannot be imported: ${failure.reason}` };
  }
  if (mod.default === undefined) {
    return { file, reason: 'has no default export', fix: 'end the file with export default defineBot({ name, setup(bot) { ... } })' };
  }
  if (!isBotDefinition(mod.default)) {
    return { file, reason: 'its default export is not a bot', fix: 'wrap it in defineBot({ name, setup(bot) { ... } }) from botyard' };
  }
  return mod.default;
}
