/**
 * `botyard <command>`: finds the command (multi-word names like `users sync` match greedily),
 * prints `--help`, and turns every error into a message that says what to fix and exit code 1.
 */
import { BotyardError } from '../errors.ts';
import { scrubText } from '../runtime/log-scrub.ts';
import { parseArgs } from './args.ts';
import type { CliIo } from './command.ts';
import { commands, type CommandEntry } from './commands/index.ts';

const defaultIo = (): CliIo => ({
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  cwd: process.cwd(),
});

export function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'botyard: a runtime for chat bots on Stream Chat and Azure Communication Services',
    '',
    'Usage: botyard <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `botyard <command> --help` for its options and an example.',
  ].join('\n');
}

/** The command named by the leading words, longest name first. */
export function findCommand(words: string[]): { command: CommandEntry; rest: string[] } | undefined {
  const sorted = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of sorted) {
    const parts = command.name.split(' ');
    if (parts.every((p, i) => words[i] === p)) return { command, rest: words.slice(parts.length) };
  }
  return undefined;
}

export async function main(argv: string[], io: CliIo = defaultIo()): Promise<number> {
  const { words, flags } = parseArgs(argv);
  if (words.length === 0) {
    io.out(overview());
    return flags.help || flags.version ? 0 : 1;
  }
  const found = findCommand(words);
  if (!found) {
    // `botyard channel` alone: list the group's commands rather than calling it unknown.
    const group = commands.filter((c) => c.name.startsWith(`${words[0]} `));
    if (group.length) {
      const lines = group.map((c) => `  botyard ${c.name.padEnd(20)} ${c.summary}`);
      (flags.help ? io.out : io.err)(`'${words[0]}' has these commands:\n${lines.join('\n')}\n\nRun \`botyard ${group[0]!.name} --help\` for its options and an example.`);
      return flags.help ? 0 : 1;
    }
    io.err(`Unknown command '${words.join(' ')}'.\n\n${overview()}`);
    return 1;
  }
  try {
    // Only now is the command's module (and what it needs) imported.
    const command = await found.command.load();
    if (flags.help) {
      io.out(command.help);
      return 0;
    }
    return await command.run(found.rest, flags, io);
  } catch (err) {
    // Scrubbed like the logs: an error's text may quote a URL with its password, or a token.
    if (err instanceof BotyardError) io.err(scrubText(`botyard ${found.command.name}: ${err.message}`));
    else io.err(scrubText(`botyard ${found.command.name} failed: ${(err as Error)?.stack ?? String(err)}`));
    return 1;
  }
}
