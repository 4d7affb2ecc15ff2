import { loadConfig } from '../../config/load.ts';
import { BotyardError } from '../../errors.ts';
import type { DeadLetter } from '../../queue/queue.ts';
import { chooseStore } from '../../runtime/storage.ts';
import type { CliCommand, CliIo } from '../command.ts';

/** Where the instances keep dead letters, opened beside them (never taking a running instance's place). */
interface DeadLetterStore {
  list(): Promise<DeadLetter[]>;
  /** Re-queues one; false when there is no such dead letter. */
  replay(eventId: string): Promise<boolean>;
  /** What happens to a replayed event, for the confirmation. */
  replayNote: string;
  close(): Promise<void>;
}

async function openDeadLetters(io: CliIo, flags: Record<string, string | true>): Promise<DeadLetterStore> {
  // --config: the same file the instances run with, so its store (path, or redisPrefix) names theirs.
  const config = await loadConfig({ env: io.env, cwd: io.cwd, ...(typeof flags.config === 'string' ? { file: flags.config } : {}) });
  const choice = chooseStore(config, { kind: 'sqlite', cwd: io.cwd });
  if (choice.kind === 'redis') {
    const { createRedisQueue, queueNameFor } = await import('../../queue/redis.ts');
    const queue = createRedisQueue({ url: choice.url, name: queueNameFor(config.redisPrefix) });
    return { list: () => queue.deadLetters(), replay: (id) => queue.replay(id), replayNote: 'a running instance works it now', close: () => queue.stop(1000) };
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
    close: async () => db.close(),
  };
}

export const deadLettersCommand: CliCommand = {
  name: 'dead-letters',
  summary: 'list events whose handlers failed every retry (SQLite or Redis)',
  help: `Usage: botyard dead-letters [--json] [--config bot.config.ts]

Lists events that failed all their tries, with the error. Re-run one with botyard replay <eventId>.
Reads the store botyard start uses: the SQLite file (.botyard/botyard.db, or store.path in
bot.config.ts), or Redis when REDIS_URL is set. Safe while botyard start runs.

Example:
  botyard dead-letters
  REDIS_URL=redis://127.0.0.1:6379 botyard dead-letters --json`,
  async run(_args, flags, io) {
    const store = await openDeadLetters(io, flags);
    try {
      const letters = await store.list();
      if (flags.json) io.out(JSON.stringify(letters, null, 2));
      else {
        for (const l of letters) io.out(`${l.event.id}  ${l.event.type}  ${l.event.platform}:${l.event.conversation.id}  ${l.attempts} tries  ${l.failedAt}\n    ${l.error.split('\n')[0]}`);
        io.out(`${letters.length} dead letter(s)`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};

export const replayCommand: CliCommand = {
  name: 'replay',
  summary: 'put a dead-lettered event back on the queue (SQLite or Redis)',
  help: `Usage: botyard replay <eventId> [--config bot.config.ts]

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
        return 1;
      }
      io.out(`replayed ${id}: ${store.replayNote}`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
