/** Runs one CLI command in-process and captures what it printed. */
import type { CliCommand, CliIo } from '../../src/cli/command.ts';

export interface CommandResult {
  code: number;
  out: string;
  err: string;
}

export async function runCommand(cmd: CliCommand, args: string[], flags: Record<string, string | true>, env: NodeJS.ProcessEnv, cwd: string): Promise<CommandResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env, cwd };
  const code = await cmd.run(args, flags, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
