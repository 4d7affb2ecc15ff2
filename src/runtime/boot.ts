/**
 * The composition root for `botyard start` and `botyard dev`: state store, queue and timers (chosen by
 * storage.ts: SQLite by default, memory, or Redis), platform adapters, the runtime, metrics, the HTTP
 * server, and a graceful stop.
 */
import type { Logger } from 'pino';
import type { Adapter } from '../adapters/adapter.ts';
import type { BotyardConfig } from '../config/load.ts';
import { BotyardError } from '../errors.ts';
import { createApp } from '../server/app.ts';
import { startHttpServer, type HttpServer } from '../server/http-server.ts';
import { createMetrics, type Metrics } from '../server/metrics.ts';
import { formatBotProblem } from './loaded-bot.ts';
import { adaptersFromConfig } from './platforms.ts';
import { preflight } from './preflight.ts';
import { createRuntime, type Runtime } from './runtime.ts';
import { chooseStore, openStorage, type Storage, type StoreChoice, type StoreKind } from './storage.ts';
import { startConfiguredTracing } from '../telemetry/config.ts';
import type { Express } from 'express';

export interface BootOptions {
  config: BotyardConfig;
  log: Logger;
  port?: number;
  host?: string;
  /** Adapters to use instead of those the environment names (tests). */
  adapters?: Adapter[];
  /** Check credentials against the platforms and Redis before starting (default true). */
  verify?: boolean;
  /** Where state and the queue live; default: chooseStore(config, { kind: 'sqlite' }) (SQLite at .botyard/botyard.db). */
  store?: StoreChoice;
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
  /** Where the state lives. */
  storage: StoreKind;
  /** The opened store, queue (and SQLite database): which, where, and whether it is durable. */
  stores: Storage;
  /** Stops intake, finishes in-flight events within `timeoutMs`, releases leases, closes connections. */
  stop(timeoutMs?: number): Promise<void>;
}

export async function boot(options: BootOptions): Promise<Booted> {
  const { config, log } = options;
  const choice = options.store ?? chooseStore(config, { kind: 'sqlite' });
  const adapters = options.adapters ?? (await adaptersFromConfig(config, { sharedStore: choice.kind === 'redis' }));
  // Wrong credentials fail here, in seconds and naming the key, before anything connects for good.
  if (options.verify !== false) await preflight({ adapters, redis: choice.kind === 'redis' ? { url: choice.url, from: config.env.REDIS_URL ? 'env' : 'config' } : undefined });
  const tracing = await startConfiguredTracing(config, log);
  if (tracing) log.info({ url: tracing.url, protocol: tracing.protocol }, 'tracing on: spans go to the OTLP endpoint');
  const stores = await openStorage(choice, config, log).catch(async (err: unknown) => {
    await tracing?.shutdown();
    throw err;
  });
  const { store, queue, limiter } = stores;
  const metrics = createMetrics();
  let runtime: Runtime | undefined;
  let app: Express;
  let server: HttpServer;
  try {
    runtime = await createRuntime({
      config,
      adapters,
      store,
      queue,
      ...(stores.timers ? { timers: stores.timers } : {}),
      log,
      outboundObserver: metrics.outboundObserver,
      ...(limiter ? { outboundLimiter: limiter } : {}),
    });
    metrics.attach(runtime);
    app = createApp(runtime, metrics);
    await options.extend?.(app, runtime);
    await runtime.start();
    if (options.refuseBrokenBots) refuseBrokenBots(runtime);
    server = await startHttpServer(runtime, app, { port: options.port ?? config.env.PORT ?? 3000, ...(options.host ? { host: options.host } : {}) });
  } catch (err) {
    // Free the store (the SQLite file's lock) so the same process may try again (dev, tests).
    await runtime?.stop(1000).catch(() => undefined);
    await stores.close().catch(() => undefined);
    await tracing?.shutdown();
    throw err;
  }

  let stopping: Promise<void> | undefined;
  const running = runtime;
  return {
    runtime: running,
    app,
    server,
    metrics,
    storage: stores.choice.kind,
    stores,
    stop(timeoutMs = 10_000) {
      stopping ??= (async () => {
        void server.close();
        await running.stop(timeoutMs);
        // A webhook answered during the stop left a keep-alive socket open: close it now, not at its idle timeout.
        await server.finish();
        await stores.close();
        await tracing?.shutdown();
      })();
      return stopping;
    },
  };
}

/** Throws when a bot failed to load: a runtime missing a bot must not report ready (boot's catch stops what started). */
function refuseBrokenBots(runtime: Runtime): void {
  const problems = runtime.bots.problems();
  if (!problems.length) return;
  const names = problems.map((p) => (p.name ? `${p.name} (${p.file})` : p.file)).join(', ');
  // Then each as the banner and `check` show it: the place in the bot's file and the offending line.
  const details = problems.map((p) => `\n✗ ${formatBotProblem(p)}`).join('');
  throw new BotyardError(
    'BOTS_NOT_LOADED',
    `${problems.length} bot(s) failed to load: ${names}. Not starting without them; fix them (botyard check), or pass --allow-broken-bots to run the others (/readyz then names the missing bots).${details}`,
  );
}
