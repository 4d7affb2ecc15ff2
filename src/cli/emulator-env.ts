/**
 * How CLI commands find running emulators. `botyard emulator` and `botyard dev` write the environment
 * that reaches theirs to `.botyard/emulators.json` (with their pid) and remove it when they stop;
 * `say`, `emulator webhook` and `emulator fault` read it under the real environment, which wins.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const file = (cwd: string) => join(cwd, '.botyard', 'emulators.json');

export function writeEmulatorEnv(cwd: string, env: Record<string, string>): () => void {
  mkdirSync(join(cwd, '.botyard'), { recursive: true });
  writeFileSync(file(cwd), `${JSON.stringify({ pid: process.pid, env }, null, 2)}\n`);
  return () => {
    try {
      const kept = JSON.parse(readFileSync(file(cwd), 'utf8')) as { pid?: number };
      if (kept.pid === process.pid) rmSync(file(cwd));
    } catch {
      // already gone
    }
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The environment with a running emulator's variables filled in where the environment has none. */
export function withEmulatorEnv(cwd: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!existsSync(file(cwd))) return env;
  try {
    const kept = JSON.parse(readFileSync(file(cwd), 'utf8')) as { pid: number; env: Record<string, string> };
    if (!alive(kept.pid)) return env;
    const stream = env.STREAM_API_KEY ? {} : Object.fromEntries(Object.entries(kept.env).filter(([k]) => k.startsWith('STREAM_')));
    const acs = env.ACS_CONNECTION_STRING ? {} : Object.fromEntries(Object.entries(kept.env).filter(([k]) => !k.startsWith('STREAM_')));
    return { ...stream, ...acs, ...env };
  } catch {
    return env;
  }
}

/** The PEM that trusts the ACS emulator (ACS_CA_PATH, else NODE_EXTRA_CA_CERTS), or an error naming the variable. */
export function readAcsCa(env: NodeJS.ProcessEnv): { ca?: string } | { error: string } {
  const name = env.ACS_CA_PATH ? 'ACS_CA_PATH' : env.NODE_EXTRA_CA_CERTS ? 'NODE_EXTRA_CA_CERTS' : undefined;
  if (!name) return {};
  try {
    return { ca: readFileSync(env[name]!, 'utf8') };
  } catch (err) {
    return { error: `cannot read ${name}=${env[name]} (${(err as Error).message}): point it at the certificate \`botyard emulator\` printed, or unset it` };
  }
}
