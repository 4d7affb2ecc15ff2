/**
 * `botyard check --online`: the credentials in the environment, tried against the platforms and Redis
 * with the same checks `botyard start` runs before it starts (src/runtime/preflight.ts).
 */
import type { BotyardConfig } from '../../config/load.ts';
import { ConfigError } from '../../errors.ts';
import type { CliIo } from '../command.ts';

/** Prints ✓ per platform that accepted its credentials, ✗ per problem; returns the number of problems. */
export async function checkOnline(config: BotyardConfig, io: CliIo): Promise<number> {
  const [{ adaptersFromConfig }, { preflight }] = await Promise.all([import('../../runtime/platforms.ts'), import('../../runtime/preflight.ts')]);
  const adapters = await adaptersFromConfig(config);
  const redisUrl = config.env.REDIS_URL ?? config.redisUrl;
  const planned = [...adapters.map((a) => a.platform), ...(redisUrl ? ['redis'] : [])];
  if (!planned.length) {
    io.out('online: nothing to check (no STREAM_API_KEY, ACS_CONNECTION_STRING or REDIS_URL set)');
    return 0;
  }
  try {
    const { checked } = await preflight({ adapters, redis: redisUrl ? { url: redisUrl, from: config.env.REDIS_URL ? 'env' : 'config' } : undefined });
    for (const name of checked) io.out(`✓ ${name}: credentials accepted`);
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const issue of err.issues) io.err(`✗ ${issue}`);
    return err.issues.length;
  }
}
