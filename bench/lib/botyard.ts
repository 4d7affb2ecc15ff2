/**
 * Runs the production entry, `node bin/botyard.js start`, as a child, and waits for GET /readyz 200.
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

/** `botyard start --port <port> [--config file]` with `env` (platform credentials, REDIS_URL…), pinned to `cpu`. */
export async function startBotyard(port: number, env: NodeJS.ProcessEnv, cpu?: number, options: { config?: string; nodeArgs?: string[] } = {}): Promise<BotyardProcess> {
  const args = ['start', '--port', String(port), ...(options.config ? ['--config', options.config] : [])];
  const child = startNode('bin/botyard.js', { tsx: false, args, env, nodeArgs: options.nodeArgs ?? [], ...(cpu !== undefined ? { cpu } : {}) });
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url);
  return { child, url };
}
