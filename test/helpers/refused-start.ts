/**
 * A `botyard start` that must be refused, run in this process (the CLI's `main(['start', …])`) rather
 * than as a child: a refusal comes before anything listens, and the command prints the same lines and
 * returns the code bin/botyard.js exits with, while a child costs about a CPU-second of Node start-up and
 * imports. (That the process then exits with that code, and does not hang, is what test/cli/fail-fast
 * and test/security/broken-bots prove with real processes.)
 *
 *   const output = await refusedStart(config, world.env);
 *   expect(output).toContain('cannot be opened for writing');
 *
 * A start that was not refused is stopped at once (its own SIGTERM handler, called directly) and fails
 * the test with what it printed.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../src/cli/command.ts';
import { main } from '../../src/cli/main.ts';

/** Where startBotyard runs its children: the repository, so paths resolve as they do there. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs `botyard start --config <config> --port 0` here; resolves with its output once it returned non-zero. */
export async function refusedStart(config: string, env: Record<string, string>, args: string[] = []): Promise<string> {
  const lines: string[] = [];
  let listening!: () => void;
  const listened = new Promise<'listening'>((resolve) => (listening = () => resolve('listening')));
  const handlersBefore = new Set([...process.listeners('SIGTERM'), ...process.listeners('SIGINT')]);
  const io: CliIo = {
    out: (line) => {
      lines.push(line);
      if (line.startsWith('botyard listening on')) listening();
    },
    err: (line) => void lines.push(line),
    // As startBotyard's children get it, quieter: a refusal is an error the command prints, not a log line.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), LOG_LEVEL: 'error', NODE_ENV: 'production', ...env },
    cwd: root,
  };
  const run = main(['start', '--config', config, '--port', '0', ...args], io);
  const code = await Promise.race([run, listened]);
  if (code === 'listening') {
    const added = (signal: NodeJS.Signals) => process.listeners(signal).filter((l) => !handlersBefore.has(l)) as Array<(s: NodeJS.Signals) => void>;
    for (const handler of added('SIGINT')) process.removeListener('SIGINT', handler);
    for (const handler of added('SIGTERM')) {
      process.removeListener('SIGTERM', handler);
      handler('SIGTERM');
    }
    await run;
    throw new Error(`botyard start was not refused:\n${lines.join('\n')}`);
  }
  if (code === 0) throw new Error(`botyard start returned 0 without listening:\n${lines.join('\n')}`);
  return lines.join('\n');
}
