/**
 * Runs the production entry, `node bin/botyard.js start`, as a child on a port the OS picks, and waits
 * for GET /readyz 200.
 */
import { startNode, type Child } from './proc.ts';
import { sleep } from './stats.ts';

export { sleep };

export async function waitReady(url: string, timeoutMs = 30_000, everyMs = 10): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url}/readyz not 200 within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

export interface BotyardProcess {
  child: Child;
  url: string;
}

/** The URL `botyard start` prints once it listens ("botyard listening on http://localhost:PORT"). */
async function listeningUrl(child: Child, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = /botyard listening on http:\/\/localhost:(\d+)/.exec(child.stdout());
    if (m) return `http://127.0.0.1:${m[1]}`;
    if (child.proc.exitCode !== null) throw new Error(`botyard start exited ${child.proc.exitCode} before listening`);
    if (Date.now() > until) throw new Error(`botyard start did not listen within ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** `botyard start --port 0 [--config file] [args…]` with `env` (platform credentials, REDIS_URL…), pinned to `cpu`. */
export async function startBotyard(env: NodeJS.ProcessEnv, cpu?: number, options: { config?: string; nodeArgs?: string[]; entry?: string; args?: string[] } = {}): Promise<BotyardProcess> {
  const args = ['start', '--port', '0', ...(options.config ? ['--config', options.config] : []), ...(options.args ?? [])];
  // `entry`: another build's bin/botyard.js (focus.ts's `cBase`), run on this checkout's bots and config.
  const child = startNode(options.entry ?? 'bin/botyard.js', { tsx: false, args, env, nodeArgs: options.nodeArgs ?? [], ...(cpu !== undefined ? { cpu } : {}) });
  const url = await listeningUrl(child);
  await waitReady(url);
  return { child, url };
}
