import { loadConfig } from '../../config/load.ts';
import { BotyardError } from '../../errors.ts';
import type { DeadLetter } from '../../queue/queue.ts';
import { chooseStore } from '../../runtime/storage.ts';
import { traceIdOf } from '../../telemetry/carrier.ts';
import type { CliCommand, CliIo } from '../command.ts';

/** Where the instances keep dead letters, opened beside them (never taking a running instance's place). */
interface DeadLetterStore {
  list(): Promise<DeadLetter[]>;
  /** Re-queues one; false when there is no such dead letter. */
  replay(eventId: string): Promise<boolean>;
  /** What happens to a replayed event, for the confirmation. */
  replayNote: string;
  /** Says (on stderr) where it looked and, when it found nothing, where else there are dead letters. */
  describe(found: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * The store `botyard start` uses, found as it finds it: `store`/`redisPrefix` of --config or
 * ./bot.config.ts, REDIS_URL, else the default SQLite file; on Redis `--prefix` names the deployment.
 */
async function openDeadLetters(io: CliIo, flags: Record<string, string | true>): Promise<DeadLetterStore> {
  const config = await loadConfig({ env: io.env, cwd: io.cwd, ...(typeof flags.config === 'string' ? { file: flags.config } : {}) });
  const choice = chooseStore(config, { kind: 'sqlite', cwd: io.cwd });
  const from = config.configFile ? `from ${config.configFile}` : 'the default (no bot.config.ts here)';
  if (choice.kind === 'redis') {
    const prefix = typeof flags.prefix === 'string' ? flags.prefix : config.redisPrefix;
    const source = typeof flags.prefix === 'string' ? '--prefix' : config.configFile ? `redisPrefix in ${config.configFile}` : from;
    const [{ createRedisQueue }, { describeRedisDeadLetters }] = await Promise.all([import('../../queue/redis.ts'), import('../../queue/redis-dead-letters.ts')]);
    const queue = createRedisQueue({ url: choice.url, prefix });
    return {
      list: () => queue.deadLetters(),
      replay: (id) => queue.replay(id),
      replayNote: 'a running instance works it now',
      describe: async (found) => (await describeRedisDeadLetters(choice.url, prefix, source, found)).forEach((line) => io.err(line)),
      close: () => queue.stop(1000),
    };
  }
  if (choice.kind === 'memory') {
    throw new BotyardError('NO_DURABLE_STORE', "store: 'memory' keeps dead letters inside the running process only, and they end with it. Fix: use the default SQLite store or Redis (REDIS_URL) to keep them");
  }
  const [{ openSqliteDatabase }, { queueTables }] = await Promise.all([import('../../state/sqlite-db.ts'), import('../../queue/sqlite-tables.ts')]);
  // No lock: `botyard start` may be running on the file. The replay goes to the inbox it polls.
  const db = await openSqliteDatabase({ path: choice.path, lock: false, mustExist: true });
  const tables = queueTables(db);
  return {
    list: async () => tables.deadLetters(),
    replay: async (id) => db.handle.transaction(() => tables.requestReplay(id))(),
    replayNote: `the botyard running on ${choice.path} works it within a second (or at its next start)`,
    describe: async () => io.err(`looked in the SQLite file ${choice.path} (${from})`),
    close: async () => db.close(),
  };
}

export const deadLettersCommand: CliCommand = {
  name: 'dead-letters',
  help: `Usage: botyard dead-letters [--json] [--config bot.config.ts] [--prefix botyard]

Lists events that failed all their tries, with the error and trace id. Re-run one with botyard replay <eventId>.
Reads the store botyard start uses: the SQLite file (.botyard/botyard.db, or store.path in
bot.config.ts), or Redis when REDIS_URL is set (redisPrefix from bot.config.ts, or --prefix). Safe while
botyard start runs. It says on stderr where it looked, and on Redis, when that is empty, which other
prefixes hold dead letters.

Example:
  botyard dead-letters
  REDIS_URL=redis://127.0.0.1:6379 botyard dead-letters --json`,
  async run(_args, flags, io) {
    const store = await openDeadLetters(io, flags);
    try {
      const letters = await store.list();
      if (flags.json) io.out(JSON.stringify(letters, null, 2));
      else {
        for (const l of letters) {
          const traceId = l.traceId ?? traceIdOf(l.event);
          io.out(`${l.event.id}  ${l.event.type}  ${l.event.platform}:${l.event.conversation.id}  ${l.attempts} tries  ${l.failedAt}${traceId ? `  trace ${traceId}` : ''}\n    ${l.error.split('\n')[0]}`);
        }
        io.out(`${letters.length} dead letter(s)`);
      }
      await store.describe(letters.length);
      return 0;
    } finally {
      await store.close();
    }
  },
};

export const replayCommand: CliCommand = {
  name: 'replay',
  help: `Usage: botyard replay <eventId> [--config bot.config.ts] [--prefix botyard]

Re-queues one dead letter; a running botyard instance works it again (handlers that already
succeeded for it are skipped).

Example:
  botyard replay stream:3f1c…`,
  async run(args, flags, io) {
    const id = args[0];
    if (!id) throw new BotyardError('USAGE', 'name the event: botyard replay <eventId> (see botyard dead-letters)');
    const store = await openDeadLetters(io, flags);
    try {
      if (!(await store.replay(id))) {
        io.err(`no dead letter '${id}' (see botyard dead-letters)`);
        await store.describe(0);
        return 1;
      }
      io.out(`replayed ${id}: ${store.replayNote}`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
