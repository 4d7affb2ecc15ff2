/**
 * Fail fast on wrong credentials: before the runtime starts (and for `botyard check --online`), each
 * configured platform makes one cheap authenticated call and Redis answers a PING, all at once and each
 * within a deadline. Every failure is reported together, naming the key to fix, so `botyard start`
 * exits non-zero in seconds instead of printing an SDK error and hanging.
 */
import type { Adapter } from '../adapters/adapter.ts';
import { ConfigError } from '../errors.ts';

export interface PreflightOptions {
  adapters: Adapter[];
  /** The Redis in use, if any, and where its URL came from (to name the right key). */
  redis?: { url: string; from: 'env' | 'config' } | undefined;
  /** Per check. Default 5 s: `botyard start` must give up within 10. */
  timeoutMs?: number;
}

/** What was checked, for `botyard check --online`. */
export interface PreflightResult {
  checked: string[];
}

const redisKey = (from: 'env' | 'config') => (from === 'env' ? 'environment variable REDIS_URL' : 'bot.config.ts redisUrl');

/** Connects once to Redis and PINGs it, with no retries. */
export async function verifyRedis(url: string, from: 'env' | 'config', timeoutMs: number): Promise<void> {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: timeoutMs, retryStrategy: () => null });
  // ioredis rejects connect() with "Connection is closed."; the socket's own error says why.
  let cause: Error | undefined;
  client.on('error', (e: Error) => void (cause ??= e));
  const shown = url.replace(/\/\/[^@/]*@/, '//***@');
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const said = (cause ?? (err as Error)).message;
    const auth = /NOAUTH|WRONGPASS|invalid password|AUTH/i.test(said);
    const fix = auth
      ? 'put the right user and password in the URL (redis://user:password@host:6379)'
      : 'check the host and port, that Redis runs, and that this machine can reach it; or unset it to keep state on this machine';
    throw new ConfigError([`${redisKey(from)}: ${auth ? `Redis at ${shown} refused the credentials` : `cannot reach Redis at ${shown}`} (${said}). Fix: ${fix}`], { cause: err });
  } finally {
    client.disconnect();
  }
}

/** Rejects with a ConfigError when `work` has not settled within `ms`. */
async function withDeadline(work: Promise<void>, ms: number, issue: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new ConfigError([issue])), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check at once; throws one ConfigError listing every failure. */
export async function preflight(options: PreflightOptions): Promise<PreflightResult> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  const checks: Array<{ name: string; run: Promise<void> }> = [];
  for (const adapter of options.adapters) {
    if (!adapter.verifyCredentials) continue;
    const key = adapter.platform === 'stream' ? 'STREAM_BASE_URL' : 'ACS_CONNECTION_STRING';
    checks.push({
      name: adapter.platform,
      run: withDeadline(adapter.verifyCredentials(), timeoutMs, `${adapter.platform}: no answer to a credentials check within ${seconds}. Fix: check ${key} and this machine's network`),
    });
  }
  if (options.redis) {
    const { url, from } = options.redis;
    checks.push({ name: 'redis', run: withDeadline(verifyRedis(url, from, timeoutMs), timeoutMs + 500, `${redisKey(from)}: Redis did not answer within ${seconds}. Fix: check the host and port`) });
  }
  const settled = await Promise.allSettled(checks.map((c) => c.run));
  const issues = settled.flatMap((s) => {
    if (s.status === 'fulfilled') return [];
    return s.reason instanceof ConfigError ? s.reason.issues : [String((s.reason as Error)?.message ?? s.reason)];
  });
  if (issues.length) throw new ConfigError(issues);
  return { checked: checks.map((c) => c.name) };
}
