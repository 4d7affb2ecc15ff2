/**
 * The footprint benchmark's start, measured for tuning rather than reporting: `botyard start` with the
 * example bots against the emulators, N times per setup, printing for each run the wall time from spawn
 * to GET /readyz 200, the CPU time the process had used by then (much steadier than wall time on a
 * shared machine), the idle RSS 2 s later, and the load average beside them. Also the cost of
 * `import('dist/cli/main.js')` alone (wall, CPU, RSS) in a fresh process.
 *
 *   node --import tsx bench/footprint/start-cost.ts [runs=5] [sqlite|memory|acs|all] [other checkout...]
 *
 * Runs dist/ (compile first: npm run build). Given other checkouts (each built, with node_modules), runs
 * alternate between this one and them, so a before/after comparison shares the machine's load.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitReady } from '../lib/botyard.ts';
import { ROOT, startNode, type Child } from '../lib/proc.ts';
import { sleep } from '../lib/stats.ts';
import type { BenchStore } from '../lib/stores.ts';

const runs = Number(process.argv[2] ?? 5);
const which = process.argv[3] ?? 'sqlite';
const roots = [ROOT, ...process.argv.slice(4).map((r) => path.resolve(r))];
const load = () => os.loadavg()[0]!.toFixed(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function importCost(root: string): void {
  const script = `const t0 = performance.now(); const c0 = process.cpuUsage(); await import(${JSON.stringify(`${root}/dist/cli/main.js`)});
const c = process.cpuUsage(c0); console.log(JSON.stringify({ wall: performance.now() - t0, cpu: (c.user + c.system) / 1000, rss: process.memoryUsage().rss / 2 ** 20 }));`;
  const rows: Array<{ wall: number; cpu: number; rss: number }> = [];
  for (let i = 0; i < runs; i++) rows.push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })));
  const m = (k: 'wall' | 'cpu' | 'rss') => Math.round(median(rows.map((r) => r[k])));
  console.log(`${root}: import dist/cli/main.js: wall ${m('wall')} ms, CPU ${m('cpu')} ms, RSS ${m('rss')} MB (median of ${runs}; load ${load()})`);
}

/** `botyard start --port 0` from `root`, on its bench config for `store` (a fresh SQLite file). */
async function start(root: string, env: Record<string, string>, store: BenchStore): Promise<Child> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path.join(root, `bench/results/tmp/bench.db${suffix}`), { force: true });
  const args = ['start', '--port', '0', '--config', path.join(root, `bench/lib/${store}.config.ts`)];
  const child = startNode(path.join(root, 'bin/botyard.js'), { tsx: false, args, env });
  for (;;) {
    const m = /botyard listening on http:\/\/localhost:(\d+)/.exec(child.stdout());
    if (m) {
      await waitReady(`http://127.0.0.1:${m[1]}`);
      return child;
    }
    if (child.proc.exitCode !== null) throw new Error(`botyard start exited ${child.proc.exitCode} before listening`);
    await sleep(5);
  }
}

async function startCost(label: string, env: Record<string, string>, store: BenchStore): Promise<void> {
  const rows = roots.map(() => ({ walls: [] as number[], cpus: [] as number[], rsss: [] as number[] }));
  for (let r = 0; r < runs; r++) {
    for (const [i, root] of roots.entries()) {
      const t0 = performance.now();
      const child = await start(root, env, store);
      const wall = Math.round(performance.now() - t0);
      const cpu = Math.round(child.cpuMs());
      await sleep(2000);
      const rss = Math.round(child.rssMb() * 10) / 10;
      await child.stop();
      rows[i]!.walls.push(wall);
      rows[i]!.cpus.push(cpu);
      rows[i]!.rsss.push(rss);
      console.log(`  ${label} ${root} run ${r + 1}: ready ${wall} ms wall, ${cpu} ms CPU; idle RSS ${rss} MB (load ${load()})`);
    }
  }
  for (const [i, root] of roots.entries()) {
    const { walls, cpus, rsss } = rows[i]!;
    console.log(`${label} ${root}: ready median ${median(walls)} ms wall, ${median(cpus)} ms CPU; idle RSS median ${median(rsss)} MB`);
  }
}

for (const root of roots) importCost(root);
const stream = startNode('bench/lib/stream-emulator.ts');
const acs = which === 'acs' || which === 'all' ? startNode('bench/acs/emulator.ts') : undefined;
try {
  const { env } = await stream.waitFor<{ env: Record<string, string> }>('ready');
  if (which === 'sqlite' || which === 'all') await startCost('Stream, SQLite', env, 'sqlite');
  if (which === 'memory' || which === 'all') await startCost('Stream, memory', env, 'memory');
  if (acs) {
    const a = await acs.waitFor<{ connectionString: string; caPath: string; botId: string }>('ready');
    await acs.request('setup', { count: 10 });
    await startCost('Stream + ACS, SQLite', { ...env, ACS_CONNECTION_STRING: a.connectionString, ACS_CA_PATH: a.caPath, ACS_BOT_USER_ID: a.botId }, 'sqlite');
  }
} finally {
  await stream.stop();
  await acs?.stop();
}
