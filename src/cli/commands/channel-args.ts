/** Shared parsing for the `botyard channel ...` commands. */
import { streamOpsFromEnv, type StreamOps } from '../../adapters/stream/index.ts';
import type { CliIo } from '../command.ts';
import { withEmulatorEnv } from '../emulator-env.ts';

export const CHANNEL_ENV_NOTE = 'Reads STREAM_API_KEY, STREAM_API_SECRET and STREAM_BASE_URL from the environment.';

/** `a,b , c` → `['a','b','c']`; absent → []. */
export function list(flag: string | true | undefined): string[] {
  if (typeof flag !== 'string') return [];
  return flag.split(',').map((s) => s.trim()).filter(Boolean);
}

export function parseData(flag: string | true | undefined): Record<string, unknown> | string {
  if (flag === undefined) return {};
  if (typeof flag !== 'string') return '--data needs a JSON object, e.g. --data \'{"level":"beginner"}\'';
  try {
    const v = JSON.parse(flag);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return '--data must be a JSON object';
    return v as Record<string, unknown>;
  } catch (err) {
    return `--data is not valid JSON: ${(err as Error).message}`;
  }
}

/**
 * Ops from STREAM_* in the environment (else a running `botyard emulator`'s, from .botyard/emulators.json);
 * or, after printing what to set, exit code 1.
 */
export function streamOps(command: string, io: CliIo): StreamOps | number {
  const found = streamOpsFromEnv(withEmulatorEnv(io.cwd, io.env));
  if ('error' in found) {
    io.err(`botyard ${command}: ${found.error}`);
    return 1;
  }
  return found.ops;
}

/** The channel argument as `type:id`, and ops from the environment; or an exit code after printing why. */
export function setup(command: string, args: string[], io: CliIo): { cid: string; ops: StreamOps } | number {
  const cid = args[0];
  if (!cid || !/^[\w-]+:[\w!-]+$/.test(cid)) {
    io.err(`botyard ${command}: give the channel as type:id, e.g. messaging:kung-fu (see --help).`);
    return 2;
  }
  const ops = streamOps(command, io);
  return typeof ops === 'number' ? ops : { cid, ops };
}

/** Runs one platform call, printing a one-line error and returning 1 when it fails. */
export async function attempt(command: string, io: CliIo, fn: () => Promise<string>): Promise<number> {
  try {
    io.out(await fn());
    return 0;
  } catch (err) {
    io.err(`botyard ${command}: ${(err as Error).message}`);
    return 1;
  }
}
