/**
 * Older botyards kept their event queue in BullMQ: before 0.2 outside `redisPrefix`
 * (`bull:<prefix>-events:*`), then under it (`<prefix>:events:*`). Events an older instance acknowledged
 * and left queued there are worked by older instances only: at start, say so (with the count and what
 * to do) rather than let them sit unseen.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Events still queued in the BullMQ queue at `old` (`bull:<prefix>-events` or `<prefix>:events`); 0 when none (or Redis does not answer). */
export async function legacyQueued(redis: Redis, prefix: string, old = `bull:${prefix}-events`): Promise<number> {
  try {
    const [wait, active, delayed, prioritized] = await Promise.all([redis.llen(`${old}:wait`), redis.llen(`${old}:active`), redis.zcard(`${old}:delayed`), redis.zcard(`${old}:prioritized`)]);
    return wait + active + delayed + prioritized;
  } catch {
    return 0;
  }
}

export async function warnLegacyQueue(redis: Redis, prefix: string, log: Logger | undefined): Promise<void> {
  const bullmq = await legacyQueued(redis, prefix, `${prefix}:events`);
  if (bullmq > 0) {
    log?.warn(
      { count: bullmq, keys: `${prefix}:events:*` },
      `${bullmq} event(s) are still queued in the BullMQ layout of botyard 0.2 (${prefix}:events:*), which this version does not work: run the previous botyard version until botyard_queue_depth is 0, then upgrade (README: Redis keys)`,
    );
  }
  const count = await legacyQueued(redis, prefix);
  if (count > 0) {
    log?.warn(
      { count, keys: `bull:${prefix}-events:*` },
      `${count} event(s) are still queued under the old key layout (bull:${prefix}-events:*), which this version does not work: run the previous botyard version until botyard_queue_depth is 0, then upgrade (README: Redis keys)`,
    );
  }
}
