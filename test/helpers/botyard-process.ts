/**
 * Real `botyard start` processes for production tests: spawn one with a config file and an
 * environment, wait until it listens, read its JSON logs, scrape its /metrics, signal or kill it.
 *
 *   const config = writeConfig({ botsDir: fixtureBots, redisPrefix: uniqueName('p') });
 *   const a = await startBotyard({ config, env: { ...emu.env, REDIS_URL: redisUrl } });
 *   await a.signal('SIGTERM'); expect((await a.exited).code).toBe(0);
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/botyard.js');

/** Writes `config` as a bot.config.mts in a fresh temp folder; returns its path. `cleanupConfigs()` removes them all. */
const written: string[] = [];
export function writeConfig(config: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'botyard-prod-'));
  written.push(dir);
  // .mts: outside the package there is no "type": "module" to make a .ts file ESM.
  const file = path.join(dir, 'bot.config.mts');
  writeFileSync(file, `export default ${JSON.stringify(config, null, 2)};\n`);
  return file;
}
export function cleanupConfigs(): void {
  for (const dir of written.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BotyardProcess {
  /** `http://127.0.0.1:PORT` */
  url: string;
  pid: number;
  child: ChildProcess;
  /** Resolves when the process exited and its output was read to the end. */
  exited: Promise<Exit>;
  /** Every stdout line parsed as JSON (pino logs); other lines are skipped. */
  logs(): Array<Record<string, unknown>>;
  /** Everything it printed, stdout and stderr. */
  output(): string;
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<Exit>;
  /** SIGTERM, then waits for the exit (at most `timeoutMs`, then SIGKILL and throws). */
  stop(timeoutMs?: number): Promise<Exit>;
  /** GET a path; the status and parsed JSON (or text) body. */
  get(pathname: string): Promise<{ status: number; body: any }>;
  metrics(): Promise<Metrics>;
}

export interface StartOptions {
  config: string;
  env: Record<string, string>;
  /** How long to wait for "listening". Default 90 s: a deadline, and 30 s ran out beside a second full run (load average 16). */
  timeoutMs?: number;
  /** More `botyard start` arguments (`--allow-broken-bots`). */
  args?: string[];
}

const live = new Set<BotyardProcess>();

/** Spawns `node bin/botyard.js start --config <config> --port 0` and resolves once it listens. */
export async function startBotyard(options: StartOptions): Promise<BotyardProcess> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
    ...options.env,
  };
  const child = spawn(process.execPath, [bin, 'start', '--config', options.config, '--port', '0', ...(options.args ?? [])], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stdoutRest = '';
  const logs: Array<Record<string, unknown>> = [];
  // 'close', not 'exit': 'exit' can come before the last stdout/stderr chunks are read, and a test that
  // then looks for a shutdown message would race them.
  const exited = new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  const listening = new Promise<string>((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 90_000;
    const timer = setTimeout(() => reject(new Error(`botyard did not listen within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      out += text;
      const lines = (stdoutRest + text).split('\n');
      stdoutRest = lines.pop()!;
      for (const line of lines) {
        const m = /botyard listening on (http:\/\/\S+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!.replace('localhost', '127.0.0.1'));
        }
        if (line.startsWith('{')) {
          try {
            logs.push(JSON.parse(line));
          } catch {
            // not a log line
          }
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => void (out += chunk.toString('utf8')));
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`botyard exited (${e.code ?? e.signal}) before listening:\n${out}`));
    });
  });
  const url = await listening;
  const proc: BotyardProcess = {
    url,
    pid: child.pid!,
    child,
    exited,
    logs: () => logs,
    output: () => out,
    signal: (signal) => void child.kill(signal),
    async kill() {
      child.kill('SIGKILL');
      return exited;
    },
    async stop(timeoutMs = 20_000) {
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([exited, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs)))]);
      clearTimeout(timer);
      if (!result) {
        child.kill('SIGKILL');
        throw new Error(`botyard did not exit within ${timeoutMs} ms of SIGTERM:\n${out.slice(-4000)}`);
      }
      return result;
    },
    async get(pathname) {
      const res = await fetch(url + pathname);
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Prometheus text
      }
      return { status: res.status, body };
    },
    async metrics() {
      const res = await fetch(`${url}/metrics`);
      return parseMetrics(await res.text());
    },
  };
  live.add(proc);
  void exited.then(() => live.delete(proc));
  return proc;
}

/** SIGKILLs every process started here that is still running (afterAll). */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.kill()));
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Metrics {
  samples: Sample[];
  /** Sum of the samples named `name` whose labels include `labels`. */
  sum(name: string, labels?: Record<string, string>): number;
  /** True when some sample is named `name`. */
  has(name: string): boolean;
}

export function parseMetrics(text: string): Metrics {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return {
    samples,
    sum: (name, want = {}) =>
      samples.filter((s) => s.name === name && Object.entries(want).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0),
    has: (name) => samples.some((s) => s.name === name),
  };
}

/** A folder for test-only files that outlive one test (e.g. a redis-server's). */
export function scratchDir(tag: string): string {
  const base = path.join(tmpdir(), 'botyard-prod');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, `${tag}-`));
  written.push(dir);
  return dir;
}
