/**
 * The one place that decides where state, the event queue and one-off timers live, from the configuration:
 *
 * - `store` in bot.config.ts, when set, decides ('memory' | 'sqlite' | 'redis', or { kind, ... });
 * - else a Redis URL (REDIS_URL, or redisUrl in the file) means Redis;
 * - else the caller's default: SQLite for `botyard start` and a persisting `botyard dev`, memory for
 *   the in-process stacks of tests. (The test kit builds its memory runtime without this module.)
 *
 * Each backend is imported only when chosen: better-sqlite3, ioredis and BullMQ cost start-up time.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { BotyardConfig } from '../config/load.ts';
import { ConfigError } from '../errors.ts';
import type { Limiter } from '../outbound/limiter.ts';
import type { EventQueue } from '../queue/queue.ts';
import type { SqliteDatabase, SqliteSynchronous } from '../state/sqlite-db.ts';
import type { StateStore } from '../state/store.ts';
import type { TimerBackend } from '../scheduler/timers/types.ts';

export type StoreChoice =
  | { kind: 'memory' }
  | { kind: 'sqlite'; path: string; synchronous: SqliteSynchronous }
  | { kind: 'redis'; url: string };

export type StoreKind = StoreChoice['kind'];

/** Where the default SQLite file goes, relative to the project (the config file's folder, else the working directory). */
export const DEFAULT_SQLITE_PATH = path.join('.botyard', 'botyard.db');

/** The project folder: where bot.config.ts is, else the working directory. */
export const projectDir = (config: BotyardConfig, cwd = process.cwd()) => (config.configFile ? path.dirname(config.configFile) : cwd);

export interface StoreDefaults {
  /** What to use when neither `store` nor a Redis URL says. */
  kind: 'sqlite' | 'memory';
  /** The SQLite file when `store` names none, relative to the project. Default DEFAULT_SQLITE_PATH. */
  sqlitePath?: string;
  /** The working directory (when there is no config file). Default process.cwd(). */
  cwd?: string;
}

/** Decides the store without opening anything; throws ConfigError on a contradiction. */
export function chooseStore(config: BotyardConfig, defaults: StoreDefaults): StoreChoice {
  const choice = chooseStoreKind(config, defaults);
  if (!config.queue.work && choice.kind !== 'redis') {
    throw new ConfigError([
      `queue.work: false (botyard start --ingest-only) on ${choice.kind === 'sqlite' ? 'SQLite' : 'memory'}: no other process could work the events it accepts. Fix: set REDIS_URL and run worker instances on the same Redis, or drop --ingest-only`,
    ]);
  }
  return choice;
}

function chooseStoreKind(config: BotyardConfig, defaults: StoreDefaults): StoreChoice {
  const redisUrl = config.env.REDIS_URL ?? config.redisUrl;
  const store = config.store;
  const defaultKind = defaults.kind;
  const sqlite = (file?: string, synchronous: SqliteSynchronous = 'normal'): StoreChoice => ({
    kind: 'sqlite',
    path: path.resolve(projectDir(config, defaults.cwd), file ?? defaults.sqlitePath ?? DEFAULT_SQLITE_PATH),
    synchronous,
  });
  if (!store) return redisUrl ? { kind: 'redis', url: redisUrl } : defaultKind === 'sqlite' ? sqlite() : { kind: 'memory' };
  if (store.kind === 'redis') {
    if (!redisUrl) throw new ConfigError(["store: 'redis' needs a Redis URL. Fix: set REDIS_URL (or redisUrl in bot.config.ts), e.g. redis://127.0.0.1:6379"]);
    return { kind: 'redis', url: redisUrl };
  }
  // Several instances on Redis and one on a private file would each work the same events: refuse the mix.
  if (config.env.REDIS_URL) {
    throw new ConfigError([
      `store: '${store.kind}' in bot.config.ts, but REDIS_URL is set too. Fix: unset REDIS_URL to keep state in ${store.kind === 'sqlite' ? 'the SQLite file' : 'memory'}, or remove store (or set store: 'redis') to use Redis`,
    ]);
  }
  return store.kind === 'sqlite' ? sqlite(store.path, store.synchronous) : { kind: 'memory' };
}

export interface Storage {
  choice: StoreChoice;
  /** True when accepted events and state survive the process (SQLite, Redis). */
  durable: boolean;
  /** One line for the start banner: which store, where, and what it guarantees. */
  summary: string;
  store: StateStore;
  queue: EventQueue;
  /** The open database on SQLite (one-off timers keep their table in it). */
  sqlite?: SqliteDatabase;
  /** One-off timers on SQLite or Redis; absent on memory, where the runtime keeps its own. */
  timers?: TimerBackend;
  /** Outbound limits shared by every instance (Redis); absent: each process paces on its own. */
  limiter?: Limiter;
  /** Closes the store (and the database file). Call after the runtime stopped. */
  close(): Promise<void>;
}

/** The URL without its password, for banners and logs. */
const redact = (url: string) => url.replace(/\/\/([^@/]*):[^@/]*@/, '//$1:***@');

async function openRedis(url: string, config: BotyardConfig, log: Logger): Promise<Storage> {
  // Before anything is trusted to it: would this Redis keep acknowledged events? (security: src/state/redis-durability.ts)
  const { checkRedisDurability, allowsVolatile } = await import('../state/redis-durability.ts');
  for (const warning of (await checkRedisDurability(url, { allowVolatile: allowsVolatile(config) })).warn) log.warn(warning);
  const [{ createRedisStore }, { createRedisQueue }, { createRedisTimers }, { createRedisLimiter }] = await Promise.all([
    import('../state/redis.ts'),
    import('../queue/redis.ts'),
    import('../scheduler/timers/redis.ts'),
    import('../outbound/redis-limiter.ts'),
  ]);
  // Every key under redisPrefix: state `<prefix>:*`, queue `<prefix>:queue:events:*`,
  // timers `<prefix>:timers:*` and `<prefix>:queue:timers:*`, limits `<prefix>:limit:*`.
  const prefix = config.redisPrefix;
  const q = config.queue;
  const store = createRedisStore({ url, prefix });
  const limiter = createRedisLimiter({ url, prefix, log });
  const queue = createRedisQueue({
    url,
    prefix,
    log,
    concurrency: q.concurrency,
    maxAttempts: q.maxAttempts,
    backoffMs: q.backoffMs,
    lockDuration: q.lockMs,
    stalledInterval: q.stalledCheckMs,
  });
  const t = config.timers;
  const timers = createRedisTimers({ url, prefix, log, keepFiredMs: t.keepFiredMs, concurrency: t.concurrency, lockMs: q.lockMs, stalledCheckMs: q.stalledCheckMs });
  const close = async () => {
    await timers.close();
    await store.close();
  };
  const role = q.work ? '' : '; this instance only accepts: events, timers and schedules are worked by the instances without --ingest-only';
  return { choice: { kind: 'redis', url }, durable: true, summary: `Redis at ${redact(url)} (durable, shared by instances${role})`, store, queue, timers, limiter, close };
}

async function openSqlite(choice: Extract<StoreChoice, { kind: 'sqlite' }>, config: BotyardConfig, log: Logger): Promise<Storage> {
  const [{ openSqliteDatabase }, { createSqliteStore }, { createSqliteQueue }, { createSqliteTimers }] = await Promise.all([
    import('../state/sqlite-db.ts'),
    import('../state/sqlite.ts'),
    import('../queue/sqlite.ts'),
    import('../scheduler/timers/sqlite.ts'),
  ]);
  const db = await openSqliteDatabase({ path: choice.path, synchronous: choice.synchronous });
  const store = createSqliteStore({ db });
  const q = config.queue;
  const queue = createSqliteQueue({ db, log, concurrency: q.concurrency, maxAttempts: q.maxAttempts, backoffMs: q.backoffMs });
  const t = config.timers;
  // A claim must outlast any handler run (it is released when the run's outcome is committed).
  const timers = createSqliteTimers({ db, log, keepFiredMs: t.keepFiredMs, concurrency: t.concurrency, claimMs: config.handlerTimeoutMs * 2 + 60_000 });
  const survives = choice.synchronous === 'full' ? 'crashes and power loss' : 'restarts and crashes';
  return {
    choice,
    durable: true,
    summary: `SQLite at ${choice.path} (durable across ${survives}; one process: set REDIS_URL to run several instances)`,
    store,
    queue,
    sqlite: db,
    timers,
    close: async () => {
      await store.close();
      db.close();
    },
  };
}

export async function openStorage(choice: StoreChoice, config: BotyardConfig, log: Logger): Promise<Storage> {
  if (choice.kind === 'redis') return openRedis(choice.url, config, log);
  if (choice.kind === 'sqlite') return openSqlite(choice, config, log);
  const [{ createMemoryStore }, { createMemoryQueue }] = await Promise.all([import('../state/memory.ts'), import('../queue/memory.ts')]);
  const store = createMemoryStore();
  return {
    choice,
    durable: false,
    summary: 'in memory (NOT durable: state and queued events are lost when the process ends)',
    store,
    queue: createMemoryQueue({ log, store }),
    close: () => store.close(),
  };
}

/**
 * `botyard start` on memory without ACS_BOT_USER_ID would create a new ACS user at every start: a
 * stranger to every thread the bot was in, hearing nothing. Refused before anything is created.
 */
export function refuseThrowawayAcsIdentity(choice: StoreChoice, config: BotyardConfig): void {
  if (choice.kind !== 'memory' || !config.env.ACS_CONNECTION_STRING || config.env.ACS_BOT_USER_ID) return;
  throw new ConfigError([
    "environment variable ACS_BOT_USER_ID: not set while state is in memory (store: 'memory'), so every start would create a new ACS identity " +
      'that is a stranger to the threads the bot was in. Fix: create the bot once with `botyard acs identity` and set ACS_BOT_USER_ID to the id it prints, ' +
      "or keep state on disk (remove store: 'memory' to use SQLite) or in Redis (REDIS_URL)",
  ]);
}
