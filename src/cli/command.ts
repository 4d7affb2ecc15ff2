/**
 * One CLI command: a name, a `--help` text with an example, and a run function. Each command lives in
 * its own file under `src/cli/commands/` and is listed, with its one-line summary, in
 * `src/cli/commands/index.ts`, which imports the file only when the command runs.
 */
export interface CliIo {
  /** Normal output (stdout). */
  out(line: string): void;
  /** Problems and progress (stderr). */
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface CliCommand {
  /** As typed: `token`, `users sync`, `channel create`. Multi-word names are matched greedily. */
  name: string;
  /** Full help: usage line, options, and at least one example. */
  help: string;
  /**
   * Runs the command. `args` are the words after the name, `flags` the `--key value` / `--flag` options.
   * Returns the exit code; long-running commands (dev, start, emulator) resolve when they stop.
   */
  run(args: string[], flags: Record<string, string | true>, io: CliIo): Promise<number>;
}
