/**
 * The composition root for `botyard start` and `botyard dev`: state store and queue (memory, or
 * Redis when REDIS_URL is set), platform adapters, the runtime, metrics, the HTTP server, and a
 * graceful stop.
 */
import type { Logger } from 'pino';
import type { Adapter } from '../adapters/adapter.ts';
import type { BotyardConfig } from '../config/load.ts';
import { BotyardError } from '../errors.ts';
import { createMemoryQueue } from '../queue/memory.ts';
import type { EventQueue } from '../queue/queue.ts';
import { createApp } from '../server/app.ts';
import { startHttpServer, type HttpServer } from '../server/http-server.ts';
import { createMetrics, type Metrics } from '../server/metrics.ts';
import { createMemoryStore } from '../state/memory.ts';
import type { StateStore } from '../state/store.ts';
import { adaptersFromConfig } from './platforms.ts';
import { createRuntime, type Runtime } from './runtime.ts';
import type { Express } from 'express';

export interface BootOptions {
  config: BotyardConfig;
  log: Logger;
  port?: number;
  host?: string;
  /** Adapters to use instead of those the environment names (tests). */
  adapters?: Adapter[];
  /** Mount more routes (the dev console) before the server starts. */
  extend?(app: Express, runtime: Runtime): void | Promise<void>;
  /** Fail (before listening) when a bot did not load: `botyard start` without --allow-broken-bots. */
  refuseBrokenBots?: boolean;
}

export interface Booted {
  runtime: Runtime;
  app: Express;
  server: HttpServer;
  metrics: Metrics;
  /** Where the state lives: 'memory' or 'redis'. */
  storage: 'memory' | 'redis';
  /** Stops intake, finishes in-flight events within `timeoutMs`, releases leases, closes connections. */
  stop(timeoutMs?: number): Promise<void>;
}

/** State and queue on Redis. Imported only when used: ioredis and BullMQ are heavy to load. */
async function redisStorage(url: string, config: BotyardConfig, log: Logger): Promise<{ store: StateStore; queue: EventQueue }> {
  // Before anything is trusted to it: would this Redis keep acknowledged events? (security: durability)
  const { checkRedisDurability } = await import('../state/redis-durability.ts');
  const allowVolatile = config.redis.allowVolatile || ['1', 'true'].includes(config.env.BOTYARD_REDIS_ALLOW_VOLATILE ?? '');
  for (const warning of (await checkRedisDurability(url, { allowVolatile })).warn) log.warn(warning);
  const [{ createRedisStore }, { createRedisQueue, queueNameFor }] = await Promise.all([import('../state/redis.ts'), import('../queue/redis.ts')]);
  const prefix = config.redisPrefix;
  const q = config.queue;
  return {
    store: createRedisStore({ url, prefix }),
    queue: createRedisQueue({
      url,
      name: queueNameFor(prefix),
      log,
      concurrency: q.concurrency,
      maxAttempts: q.maxAttempts,
      backoffMs: q.backoffMs,
      lockDuration: q.lockMs,
      stalledInterval: q.stalledCheckMs,
    }),
  };
}

export async function boot(options: BootOptions): Promise<Booted> {
  const { config, log } = options;
  const redisUrl = config.env.REDIS_URL ?? config.redisUrl;
  const { store, queue } = redisUrl ? await redisStorage(redisUrl, config, log) : { store: createMemoryStore(), queue: createMemoryQueue({ log }) };
  const metrics = createMetrics();
  const runtime = await createRuntime({
    config,
    adapters: options.adapters ?? (await adaptersFromConfig(config)),
    store,
    queue,
    log,
    outboundObserver: metrics.outboundObserver,
  });
  metrics.attach(runtime);
  const app = createApp(runtime, metrics);
  await options.extend?.(app, runtime);
  await runtime.start();
  if (options.refuseBrokenBots) await refuseBrokenBots(runtime, store);
  const server = await startHttpServer(runtime, app, { port: options.port ?? config.env.PORT ?? 3000, ...(options.host ? { host: options.host } : {}) });

  let stopping: Promise<void> | undefined;
  return {
    runtime,
    app,
    server,
    metrics,
    storage: redisUrl ? 'redis' : 'memory',
    stop(timeoutMs = 10_000) {
      stopping ??= (async () => {
        const closing = server.close();
        await runtime.stop(timeoutMs);
        await closing;
        await store.close();
      })();
      return stopping;
    },
  };
}

/** Stops what started and throws when a bot failed to load: a runtime missing a bot must not report ready. */
async function refuseBrokenBots(runtime: Runtime, store: StateStore): Promise<void> {
  const problems = runtime.bots.problems();
  if (!problems.length) return;
  await runtime.stop();
  await store.close();
  const list = problems.map((p) => `${p.name ?? p.file} (${p.file}: ${p.reason}. Fix: ${p.fix})`).join('; ');
  throw new BotyardError(
    'BOTS_NOT_LOADED',
    `${problems.length} bot(s) failed to load: ${list}. Not starting without them; fix them (botyard check), or pass --allow-broken-bots to run the others (/readyz then names the missing bots).`,
  );
}
