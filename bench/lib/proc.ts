/**
 * Child processes for the benchmarks: every server under test and every load generator runs in its
 * own process, optionally pinned to one CPU (taskset), so they never share an event loop or a core.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { familyOf, processes } from './disturbance.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const hasTaskset = spawnSync('taskset', ['-V']).status === 0;

export interface SpawnOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Pin to this CPU (taskset -c). */
  cpu?: number;
  /** Run a TypeScript file through tsx (default true); false runs a plain .js entry such as bin/botyard.js. */
  tsx?: boolean;
  /** Extra flags for node itself (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Show the child's stderr (default: only when it exits with an error). */
  verbose?: boolean;
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** Sends `{ type, ...payload }` over IPC and resolves with the child's `result`. */
  request<T = any>(type: string, payload?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** Resolves with the first IPC message of this type. */
  waitFor<T = any>(type: string, timeoutMs?: number): Promise<T>;
  /** Resident set size, MB (from /proc). */
  rssMb(): number;
  /** RSS of the processes it started (children, theirs, …), MB: what it holds beside its own. */
  childrenRssMb(): number;
  /** User + system CPU time used so far, ms (from /proc). */
  cpuMs(): number;
  stdout(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

let nextId = 1;

export function startNode(file: string, options: SpawnOptions = {}): Child {
  const nodeArgs = [...(options.nodeArgs ?? []), ...(options.tsx === false ? [] : ['--import', 'tsx']), path.resolve(ROOT, file), ...(options.args ?? [])];
  const [cmd, argv] = options.cpu !== undefined && hasTaskset ? ['taskset', ['-c', String(options.cpu), process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const proc = spawn(cmd as string, argv as string[], { cwd: ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => {
    err += d;
    if (options.verbose) process.stderr.write(d);
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.once('exit', (code, signal) => {
    if (code && !signal) process.stderr.write(`[bench] ${file} exited ${code}\n${err.slice(-2000)}\n`);
  });

  const waitFor = <T>(type: string, timeoutMs = 60_000) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (m: any) => {
        if (m?.type !== type) return;
        cleanup();
        resolve(m as T);
      };
      const onExit = () => {
        cleanup();
        reject(new Error(`${file} exited before '${type}'\n${err.slice(-2000)}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${file}: no '${type}' within ${timeoutMs} ms\n${err.slice(-2000)}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        proc.off('message', onMessage);
        proc.off('exit', onExit);
      };
      proc.on('message', onMessage);
      proc.once('exit', onExit);
    });

  const stat = () => readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return {
    proc,
    pid: proc.pid!,
    async request(type, payload = {}, timeoutMs = 120_000) {
      const id = nextId++;
      const reply = waitFor<any>(`reply:${id}`, timeoutMs);
      proc.send({ type, id, ...payload });
      const m = await reply;
      if (m.error) throw new Error(`${file} ${type}: ${m.error}`);
      return m.result;
    },
    waitFor,
    rssMb() {
      return rssMbOf(proc.pid!);
    },
    childrenRssMb() {
      const pid = proc.pid!;
      return [...familyOf(processes(), [pid])].filter((p) => p !== pid).reduce((sum, p) => sum + (rssMbOf(p) || 0), 0);
    },
    cpuMs() {
      const f = stat(); // fields after the command: state is [0], utime [11], stime [12]
      return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
    },
    stdout: () => out,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Child side: answers `{ type, id }` requests from the parent with `{ type: 'reply:<id>', result | error }`. */
export function serveIpc(handlers: Record<string, (msg: any) => unknown>): void {
  process.on('message', async (msg: any) => {
    const handler = handlers[msg?.type];
    if (!handler || msg.id === undefined) return;
    try {
      process.send!({ type: `reply:${msg.id}`, result: await handler(msg) });
    } catch (error) {
      process.send!({ type: `reply:${msg.id}`, error: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

/** VmRSS of `pid` in MB (NaN once it is gone). */
function rssMbOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
