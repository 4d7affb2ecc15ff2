/**
 * A private redis-server for tests that stop and restart Redis (never the shared one at REDIS_URL):
 *
 *   const redis = await startRedisServer();      // a free port, no persistence
 *   await redis.stop(); await redis.restart();   // same port
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { redisAnswers } from './redis.ts';
import { waitFor } from './wait.ts';

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  port: number;
  url: string;
  /** Stops the server (SIGTERM, no save) and waits for it to exit. */
  stop(): Promise<void>;
  /** Kills it (SIGKILL: no shutdown, no final fsync) and waits for it to exit. */
  crash(): Promise<void>;
  /** Starts it again on the same port and waits until it answers PING. */
  restart(): Promise<void>;
}


export interface RedisServerOptions {
  /** More redis-server arguments, after the defaults (later ones win): `['--appendonly', 'yes']`, `['--requirepass', 'pw']`. */
  args?: string[];
  /** The URL used to wait for it (e.g. with the password); default redis://127.0.0.1:<port>. */
  probeUrl?: (port: number) => string;
  /** Working directory (where an AOF or RDB file goes). Default: the current one. */
  dir?: string;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const launch = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...(options.dir ? ['--dir', options.dir] : []), ...(options.args ?? [])];
    child = spawn('redis-server', args, { stdio: 'ignore' });
    const probe = options.probeUrl?.(port) ?? url;
    await waitFor(() => redisAnswers(probe), { timeoutMs: 10_000, intervalMs: 50, what: `redis-server on ${port}` });
  };
  const end = async (signal: NodeJS.Signals) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill(signal);
    await exited;
  };
  await launch();
  return {
    port,
    url,
    async stop() {
      await end('SIGTERM');
    },
    async crash() {
      await end('SIGKILL');
    },
    restart: launch,
  };
}
