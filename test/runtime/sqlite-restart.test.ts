/**
 * A process that dies mid-handler, in-process: the first runtime's database is closed under it (as a
 * kill leaves the file after its last commit) and a second runtime opens the same file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineBot } from 'botyard';
import { createLocalAdapter, type LocalAdapter } from '../../src/adapters/local/local-adapter.ts';
import type { OutgoingMessage } from '../../src/adapters/normalized.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createSqliteQueue } from '../../src/queue/sqlite.ts';
import type { BotDefinition } from '../../src/runtime/bot.ts';
import { silentLogger } from '../../src/runtime/log.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { openSqliteDatabase } from '../../src/state/sqlite-db.ts';
import { createSqliteStore } from '../../src/state/sqlite.ts';
import { committedTries } from '../helpers/sqlite.ts';
import { waitFor } from '../helpers/wait.ts';
import { makeEvent } from '../queue/queue.contract.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'botyard-sqlite-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `adapt`: changes the local platform before the runtime starts (a backlog may run at once). */
async function runtimeOn(file: string, bots: BotDefinition[], adapt?: (adapter: LocalAdapter) => void) {
  const config = await loadConfig({ env: {}, config: { handlerTimeoutMs: 60_000 } });
  const db = await openSqliteDatabase({ path: file });
  const store = createSqliteStore({ db });
  const queue = createSqliteQueue({ db, maxAttempts: 5, backoffMs: 5, log: silentLogger });
  const adapter = createLocalAdapter({ bot: config.bot });
  adapt?.(adapter);
  const runtime = await createRuntime({ config, adapters: [adapter], store, queue, log: silentLogger, bots, startSchedules: false });
  await runtime.start();
  return { db, store, runtime };
}

describe('sqlite: a crash mid-handler', () => {
  it('re-runs the event on restart, skipping the handlers that had already succeeded', async () => {
    const file = path.join(dir, 'crash.db');
    const runs = { steady: 0, flaky: [] as number[] };
    let hang = true;
    const bots = [
      defineBot({ name: 'steady', setup: (bot) => void bot.onMessage(() => void runs.steady++) }),
      defineBot({
        name: 'flaky',
        setup: (bot) =>
          void bot.onMessage(() => {
            runs.flaky.push(runs.flaky.length + 1);
            if (runs.flaky.length === 1) throw new Error('first try fails');
            if (runs.flaky.length === 2 && hang) return new Promise<void>(() => {}); // the process "dies" here
          }),
      }),
    ];
    const first = await runtimeOn(file, bots);
    const event = makeEvent('room');
    expect(await first.runtime.ingest(event)).toBe('accepted');
    await waitFor(() => runs.flaky.length === 2, { what: 'the second try to be under way' });
    first.db.close(); // killed: the file holds what was committed
    hang = false;

    const second = await runtimeOn(file, bots);
    await waitFor(() => runs.flaky.length === 3, { what: 'the re-run after restart' });
    await second.runtime.idle();
    expect(runs.steady).toBe(1);
    expect(await second.runtime.queue.depth()).toBe(0);
    expect(await second.runtime.queue.deadLetters()).toEqual([]);
    // A redelivery after the restart is a duplicate: the dedupe mark survived too.
    expect(await second.runtime.ingest(event)).toBe('duplicate');
    await second.runtime.stop(1000);
    second.db.close();
    await first.runtime.stop(10);
  });

  it('dead-letters an event the process died on in every try, instead of dying again', async () => {
    const file = path.join(dir, 'poison.db');
    let started = 0;
    // Each try "kills the process": it never returns, and the test closes the file under it.
    const poison = [defineBot({ name: 'poison', setup: (bot) => void bot.onMessage(() => { started++; return new Promise<void>(() => {}); }) })];
    const abandoned = [];
    for (let i = 0; i < 5; i++) {
      const r = await runtimeOn(file, poison);
      if (i === 0) await r.runtime.ingest(makeEvent('poison'));
      await waitFor(() => started === i + 1, { what: `try ${i + 1}` });
      r.db.close();
      abandoned.push(r);
    }
    const last = await runtimeOn(file, poison);
    const letters = await waitFor(async () => {
      const all = await last.runtime.queue.deadLetters();
      return all.length ? all : undefined;
    }, { what: 'a dead letter' });
    expect(letters[0]!.error).toContain('the process stopped');
    expect(letters[0]!.attempts).toBe(5);
    expect(started).toBe(5);
    await last.runtime.stop(1000);
    last.db.close();
    for (const r of abandoned) await r.runtime.stop(10);
  });

  it('a platform call waits until its try is on disk, so a kill during the call re-runs as a later try that looks first', async () => {
    const file = path.join(dir, 'send.db');
    const answer = [defineBot({ name: 'answer', setup: (bot) => void bot.onMessage((ctx) => ctx.send('answer').then(() => undefined)) })];
    // What a process started after a SIGKILL would read: only what was committed.
    let reader: Awaited<ReturnType<typeof openSqliteDatabase>> | undefined;
    const triesOnDisk = () => committedTries(reader!);
    const sends: Array<{ onDisk: number[]; repeatSince: number | undefined }> = [];
    // Playing ACS (no client ids), where only a send that knows it may be a repeat looks for the first one.
    const playAcs = (hang: boolean) => (adapter: LocalAdapter) => {
      (adapter.capabilities as Set<string>).delete('clientMessageId');
      const send = adapter.send.bind(adapter);
      adapter.send = (c, out: OutgoingMessage) => {
        sends.push({ onDisk: triesOnDisk(), repeatSince: out.repeatSince });
        return hang ? new Promise(() => {}) : send(c, out); // hung: the process "dies" during the call
      };
    };
    const first = await runtimeOn(file, answer, playAcs(true));
    reader = await openSqliteDatabase({ path: file, lock: false, mustExist: true });
    await first.runtime.ingest(makeEvent('room'));
    await waitFor(() => sends.length === 1, { what: 'the first send' });
    first.db.close();

    const second = await runtimeOn(file, answer, playAcs(false));
    await waitFor(() => sends.length === 2, { what: 'the re-run to send' });
    await second.runtime.idle();
    expect(sends[0]!.onDisk).toEqual([1]); // the try was committed before the call left
    expect(sends[0]!.repeatSince).toBeUndefined();
    expect(sends[1]!.repeatSince).toEqual(expect.any(Number)); // the re-run knows it may repeat, so it looks
    expect(await second.runtime.queue.depth()).toBe(0);
    reader.close();
    await second.runtime.stop(1000);
    second.db.close();
    await first.runtime.stop(10);
  });
});
