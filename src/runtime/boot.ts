/**
 * The composition root for `botyard start` and `botyard dev`: state store and queue (memory, or
 * Redis when REDIS_URL is set), platform adapters, the runtime, metrics, the HTTP server, and a
 * graceful stop.
 */
import type { Logger } from 'pino';
import type { Adapter } from '../adapters/adapter.ts';
import type { BotyardConfig } from '../config/load.ts';
import { createMemoryQueue } from '../queue/memory.ts';
import type { Limiter } from '../outbound/limiter.ts';
import type { EventQueue } from '../queue/queue.ts';
import { createApp } from '../server/app.ts';
import { startHttpServer, type HttpServer } from '../server/http-server.ts';
import { createMetrics, type Metrics } from '../server/metrics.ts';
import { createMemoryStore } from '../state/memory.ts';
import type { StateStore } from '../state/store.ts';
import { adaptersFromConfig } from './platforms.ts';
import { createRuntime, type Runtime } from './runtime.ts';
import { startConfiguredTracing } from '../telemetry/config.ts';
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

/** State, queue and shared outbound limits on Redis. Imported only when used: ioredis and BullMQ are heavy to load. */
async function redisStorage(url: string, config: BotyardConfig, log: Logger): Promise<{ store: StateStore; queue: EventQueue; limiter: Limiter }> {
  const [{ createRedisStore }, { createRedisQueue }, { createRedisLimiter }] = await Promise.all([
    import('../state/redis.ts'),
    import('../queue/redis.ts'),
    import('../outbound/redis-limiter.ts'),
  ]);
  const prefix = config.redisPrefix;
  const q = config.queue;
  return {
    store: createRedisStore({ url, prefix }),
    queue: createRedisQueue({
      url,
      prefix,
      log,
      concurrency: q.concurrency,
      maxAttempts: q.maxAttempts,
      backoffMs: q.backoffMs,
      lockDuration: q.lockMs,
      stalledInterval: q.stalledCheckMs,
    }),
    limiter: createRedisLimiter({ url, prefix, log }),
  };
}

export async function boot(options: BootOptions): Promise<Booted> {
  const { config, log } = options;
  const tracing = await startConfiguredTracing(config);
  if (tracing) log.info({ url: tracing.url }, 'tracing on: spans go to the OTLP endpoint');
  const redisUrl = config.env.REDIS_URL ?? config.redisUrl;
  const { store, queue, limiter } = redisUrl ? await redisStorage(redisUrl, config, log) : { store: createMemoryStore(), queue: createMemoryQueue({ log }), limiter: undefined };
  const metrics = createMetrics();
  const runtime = await createRuntime({
    config,
    adapters: options.adapters ?? (await adaptersFromConfig(config)),
    store,
    queue,
    log,
    outboundObserver: metrics.outboundObserver,
    ...(limiter ? { outboundLimiter: limiter } : {}),
  });
  metrics.attach(runtime);
  const app = createApp(runtime, metrics);
  await options.extend?.(app, runtime);
  await runtime.start();
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
        await tracing?.shutdown();
      })();
      return stopping;
    },
  };
}
