/**
 * Which platforms to attach, decided from the validated environment: Stream when its key and
 * secret are set, ACS when its connection string is set. Each adapter (and so its SDK) is imported
 * only when its platform is configured: an SDK nobody uses costs start-up time and memory.
 */
import { readFileSync } from 'node:fs';
import type { Adapter } from '../adapters/adapter.ts';
import { eventGridSettings } from '../config/event-grid.ts';
import type { BotyardConfig } from '../config/load.ts';
import { ConfigError } from '../errors.ts';
import { PROXY_VARIABLES } from '../config/schema.ts';

/**
 * `sharedStore`: whether other instances may use the same store (Redis). Only then do ACS threads need
 * poll leases: memory is one process's, and a SQLite file is locked to one process, so there a lease
 * only delays the restart after a crash (the dead process's leases had to lapse, ~15 s, before its
 * successor polled the threads again).
 */
export async function adaptersFromConfig(config: BotyardConfig, options: { sharedStore?: boolean } = {}): Promise<Adapter[]> {
  const { env } = config;
  const adapters: Adapter[] = [];
  if (env.STREAM_API_KEY && env.STREAM_API_SECRET) {
    const { createStreamAdapter } = await import('../adapters/stream/index.ts');
    adapters.push(
      createStreamAdapter({
        apiKey: env.STREAM_API_KEY,
        apiSecret: env.STREAM_API_SECRET,
        ...(env.STREAM_BASE_URL ? { baseUrl: env.STREAM_BASE_URL } : {}),
        bot: config.bot,
        maxBodyBytes: config.maxBodyBytes,
        useEnvProxy: PROXY_VARIABLES.some((name) => env[name]),
      }),
    );
  }
  if (env.ACS_CONNECTION_STRING) {
    let tlsCa: string | undefined;
    if (env.ACS_CA_PATH) {
      try {
        tlsCa = readFileSync(env.ACS_CA_PATH, 'utf8');
      } catch (err) {
        throw new ConfigError([`environment variable ACS_CA_PATH: cannot read ${env.ACS_CA_PATH} (${(err as Error).message}). Fix: point it at the PEM file botyard emulator printed, or unset it`]);
      }
    }
    const { createAcsAdapter } = await import('../adapters/acs/index.ts');
    const eventGrid = eventGridSettings(config, env);
    adapters.push(
      createAcsAdapter({
        connectionString: env.ACS_CONNECTION_STRING,
        ...(env.ACS_BOT_USER_ID ? { botUserId: env.ACS_BOT_USER_ID } : {}),
        botName: config.bot.name,
        ...(tlsCa ? { tlsCa } : {}),
        poll: {
          minIntervalMs: config.acs.pollMinIntervalMs,
          maxIntervalMs: config.acs.pollMaxIntervalMs,
          ...(options.sharedStore === false ? {} : { leaseTtlMs: config.acs.leaseTtlMs }),
        },
        ...(eventGrid ? { eventGrid } : {}),
      }),
    );
  }
  return adapters;
}
