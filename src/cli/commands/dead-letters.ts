import { loadConfig } from '../../config/load.ts';
import { BotyardError } from '../../errors.ts';
import type { EventQueue } from '../../queue/queue.ts';
import type { CliCommand, CliIo } from '../command.ts';

/** Dead letters live in Redis only: the in-memory queue's die with its process. */
async function redisQueue(io: CliIo, flags: Record<string, string | true>): Promise<EventQueue> {
  // --config: the same file the instances run with, so its redisPrefix names their queue.
  const config = await loadConfig({ env: io.env, cwd: io.cwd, ...(typeof flags.config === 'string' ? { file: flags.config } : {}) });
  const url = config.env.REDIS_URL ?? config.redisUrl;
  if (!url) throw new BotyardError('NO_REDIS', 'dead letters are kept in Redis only. Fix: set REDIS_URL to the Redis your botyard instances use');
  const { createRedisQueue, queueNameFor } = await import('../../queue/redis.ts');
  return createRedisQueue({ url, name: queueNameFor(config.redisPrefix) });
}

export const deadLettersCommand: CliCommand = {
  name: 'dead-letters',
  summary: 'list events whose handlers failed every retry (Redis)',
  help: `Usage: botyard dead-letters [--json] [--config bot.config.ts]

Lists events that failed all their tries, with the error. Re-run one with botyard replay <eventId>.

Example:
  REDIS_URL=redis://127.0.0.1:6379 botyard dead-letters`,
  async run(_args, flags, io) {
    const queue = await redisQueue(io, flags);
    try {
      const letters = await queue.deadLetters();
      if (flags.json) io.out(JSON.stringify(letters, null, 2));
      else {
        for (const l of letters) io.out(`${l.event.id}  ${l.event.type}  ${l.event.platform}:${l.event.conversation.id}  ${l.attempts} tries  ${l.failedAt}\n    ${l.error.split('\n')[0]}`);
        io.out(`${letters.length} dead letter(s)`);
      }
      return 0;
    } finally {
      await queue.stop(1000);
    }
  },
};

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'put a dead-lettered event back on the queue (Redis)',
  help: `Usage: botyard replay <eventId> [--config bot.config.ts]

Re-queues one dead letter; a running botyard instance works it again (handlers that already
succeeded for it are skipped).

Example:
  botyard replay stream:3f1c…`,
  async run(args, flags, io) {
    const id = args[0];
    if (!id) throw new BotyardError('USAGE', 'name the event: botyard replay <eventId> (see botyard dead-letters)');
    const queue = await redisQueue(io, flags);
    try {
      if (!(await queue.replay(id))) {
        io.err(`no dead letter '${id}' (see botyard dead-letters)`);
        return 1;
      }
      io.out(`replayed ${id}`);
      return 0;
    } finally {
      await queue.stop(1000);
    }
  },
};
