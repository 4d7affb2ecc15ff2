import { loadConfig } from '../../config/load.ts';
import { BotyardError } from '../../errors.ts';
import type { EventQueue } from '../../queue/queue.ts';
import { traceIdOf } from '../../telemetry/carrier.ts';
import type { CliCommand, CliIo } from '../command.ts';

interface Target {
  queue: EventQueue;
  url: string;
  prefix: string;
  /** Where the prefix came from, for the "looked at" line. */
  source: string;
}

/**
 * The Redis queue the instances use. The prefix is found as `botyard start` finds it: `--prefix`, else
 * `redisPrefix` of --config or ./bot.config.ts, else the default.
 */
async function redisQueue(io: CliIo, flags: Record<string, string | true>): Promise<Target> {
  const config = await loadConfig({ env: io.env, cwd: io.cwd, ...(typeof flags.config === 'string' ? { file: flags.config } : {}) });
  const url = config.env.REDIS_URL ?? config.redisUrl;
  if (!url) throw new BotyardError('NO_REDIS', 'dead letters are kept in Redis only. Fix: set REDIS_URL to the Redis your botyard instances use');
  const prefix = typeof flags.prefix === 'string' ? flags.prefix : config.redisPrefix;
  const source = typeof flags.prefix === 'string' ? '--prefix' : config.configFile ? `redisPrefix in ${config.configFile}` : 'the default (no bot.config.ts here)';
  const { createRedisQueue } = await import('../../queue/redis.ts');
  return { queue: createRedisQueue({ url, prefix }), url, prefix, source };
}

/** Says where the command looked and, when it found nothing there, where other deployments keep dead letters. */
async function describeWhere(io: CliIo, target: Target, found: number): Promise<void> {
  const [{ Redis }, { deadLetterKey, findDeadLetterHashes, withoutCredentials }] = await Promise.all([import('ioredis'), import('../../queue/redis-dead-letters.ts')]);
  io.err(`looked in ${deadLetterKey(target.prefix)} on ${withoutCredentials(target.url)} (prefix '${target.prefix}' from ${target.source})`);
  if (found > 0) return;
  const redis = new Redis(target.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const elsewhere = await findDeadLetterHashes(redis);
    for (const h of elsewhere) {
      const how = h.legacy ? `written before redisPrefix covered the queue; replay with an older botyard or move the hash to ${deadLetterKey(h.prefix)}` : `run with --prefix ${h.prefix} or that deployment's --config`;
      io.err(`  ${h.count} dead letter(s) under another prefix: ${h.key} (${how})`);
    }
  } finally {
    redis.disconnect();
  }
}

export const deadLettersCommand: CliCommand = {
  name: 'dead-letters',
  summary: 'list events whose handlers failed every retry (Redis)',
  help: `Usage: botyard dead-letters [--json] [--config bot.config.ts] [--prefix botyard]

Lists events that failed all their tries, with the error and trace id. Re-run one with botyard replay <eventId>.
The queue is found as botyard start finds it: redisPrefix from --config (or ./bot.config.ts), or --prefix.
It says on stderr where it looked, and when that is empty, which other prefixes on this Redis hold dead letters.

Example:
  REDIS_URL=redis://127.0.0.1:6379 botyard dead-letters --config bot.config.ts`,
  async run(_args, flags, io) {
    const target = await redisQueue(io, flags);
    try {
      const letters = await target.queue.deadLetters();
      if (flags.json) io.out(JSON.stringify(letters, null, 2));
      else {
        for (const l of letters) {
          const traceId = l.traceId ?? traceIdOf(l.event);
          io.out(`${l.event.id}  ${l.event.type}  ${l.event.platform}:${l.event.conversation.id}  ${l.attempts} tries  ${l.failedAt}${traceId ? `  trace ${traceId}` : ''}\n    ${l.error.split('\n')[0]}`);
        }
        io.out(`${letters.length} dead letter(s)`);
      }
      await describeWhere(io, target, letters.length);
      return 0;
    } finally {
      await target.queue.stop(1000);
    }
  },
};

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'put a dead-lettered event back on the queue (Redis)',
  help: `Usage: botyard replay <eventId> [--config bot.config.ts] [--prefix botyard]

Re-queues one dead letter; a running botyard instance works it again (handlers that already
succeeded for it are skipped).

Example:
  botyard replay stream:3f1c…`,
  async run(args, flags, io) {
    const id = args[0];
    if (!id) throw new BotyardError('USAGE', 'name the event: botyard replay <eventId> (see botyard dead-letters)');
    const target = await redisQueue(io, flags);
    try {
      if (!(await target.queue.replay(id))) {
        io.err(`no dead letter '${id}' (see botyard dead-letters)`);
        await describeWhere(io, target, 0);
        return 1;
      }
      io.out(`replayed ${id}`);
      return 0;
    } finally {
      await target.queue.stop(1000);
    }
  },
};
