/**
 * The one place that reads the environment and bot.config.ts. Everything else receives a `BotyardConfig`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { importFresh } from '../runtime/import-fresh.ts';
import { describeFailure } from '../runtime/import-failure.ts';
import { registerSecrets } from '../runtime/log-scrub.ts';
import { eventGridProblems } from './event-grid.ts';
import { envFixes, envSchema, fileConfigSchema, type EnvConfig, type FileConfig, type FileConfigInput } from './schema.ts';

/** The whole validated configuration. */
export interface BotyardConfig extends FileConfig {
  env: EnvConfig;
  /** Absolute folder bots are loaded from. */
  botsPath: string;
  /** Absolute path of the config file, when there was one. */
  configFile: string | undefined;
}

/** Identity for type checking: `export default defineConfig({ ... })` in bot.config.ts. */
export function defineConfig(config: FileConfigInput): FileConfigInput {
  return config;
}

/** Turns zod issues into `key: message. Fix: ...` lines. */
function describeIssues(error: z.ZodError, where: string, fixes: Record<string, string> = {}): string[] {
  return error.issues.map((issue) => {
    const key = issue.path.join('.') || '(root)';
    const fix = fixes[key] ?? (issue.code === 'unrecognized_keys' ? `remove ${issue.keys.join(', ')} (not a known setting)` : undefined);
    return `${where}${key}: ${issue.message}${fix ? `. Fix: ${fix}` : ''}`;
  });
}

/** Validates environment variables; throws ConfigError naming each bad key. */
export function parseEnv(env: NodeJS.ProcessEnv): EnvConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) throw new ConfigError(describeIssues(result.error, 'environment variable ', envFixes));
  const problems: string[] = [];
  const e = result.data;
  if (Boolean(e.STREAM_API_KEY) !== Boolean(e.STREAM_API_SECRET)) {
    const missing = e.STREAM_API_KEY ? 'STREAM_API_SECRET' : 'STREAM_API_KEY';
    problems.push(`environment variable ${missing}: missing while its partner is set. Fix: ${envFixes[missing]}`);
  }
  if (problems.length) throw new ConfigError(problems);
  registerSecrets(secretValues(e));
  return e;
}

/** The secret values in the environment, for the log scrubber: wherever they appear, they are replaced. */
function secretValues(e: EnvConfig): Array<string | undefined> {
  let redisPassword: string | undefined;
  try {
    redisPassword = e.REDIS_URL ? decodeURIComponent(new URL(e.REDIS_URL).password) || undefined : undefined;
  } catch {
    redisPassword = undefined;
  }
  const accessKey = e.ACS_CONNECTION_STRING ? /accesskey=([^;]+)/i.exec(e.ACS_CONNECTION_STRING)?.[1] : undefined;
  return [e.STREAM_API_SECRET, accessKey, redisPassword, e.ACS_EVENTGRID_SECRET, e.ACS_EVENTGRID_SECRET_PREVIOUS];
}

/** Validates the object a config file exported. */
export function parseFileConfig(input: unknown, file = 'bot.config.ts'): FileConfig {
  const result = fileConfigSchema.safeParse(input ?? {});
  if (!result.success) throw new ConfigError(describeIssues(result.error, `${file}: `));
  return result.data;
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Folder to look for bot.config.ts in (default: the working directory). */
  cwd?: string;
  /** An explicit config file, or a config object (tests). */
  file?: string;
  config?: FileConfigInput;
}

/** Loads and validates bot.config.ts (optional) and the environment. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<BotyardConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = parseEnv(options.env ?? process.env);
  let configFile: string | undefined;
  let raw: unknown = options.config;
  if (raw === undefined) {
    configFile = path.resolve(cwd, options.file ?? 'bot.config.ts');
    if (existsSync(configFile)) {
      let mod: { default?: unknown };
      try {
        mod = (await importFresh(configFile, { keepSourceMaps: false })) as { default?: unknown };
      } catch (err) {
        const failure = describeFailure(err, 'correct the error it names');
        const frame = failure.frame ? `\n${failure.frame}` : '';
        throw new ConfigError([`${configFile}: cannot be imported: ${failure.reason}. Fix: ${failure.fix}${frame}`], { cause: err });
      }
      if (mod.default === undefined) throw new ConfigError([`${configFile}: has no default export. Fix: end it with export default defineConfig({ ... })`]);
      raw = mod.default;
    } else if (options.file) {
      throw new ConfigError([`${configFile}: not found. Fix: check the path, or leave --config out to use ./bot.config.ts`]);
    } else {
      configFile = undefined;
    }
  }
  const file = parseFileConfig(raw, configFile ? path.basename(configFile) : 'config');
  const crossProblems = eventGridProblems(file, env);
  if (crossProblems.length) throw new ConfigError(crossProblems);
  const base = configFile ? path.dirname(configFile) : cwd;
  return { ...file, env, botsPath: path.resolve(base, file.botsDir), configFile };
}
