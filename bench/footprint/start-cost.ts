/**
 * The footprint benchmark's start, measured for tuning rather than reporting: `botyard start` with the
 * example bots against the emulators, N times per setup, printing for each run the wall time from spawn
 * to GET /readyz 200, the CPU time the process had used by then (much steadier than wall time on a
 * shared machine), the idle RSS 2 s later, and the load average beside them. Also the cost of
 * `import('dist/cli/main.js')` alone (wall, CPU, RSS) in a fresh process.
 *
 *   node --import tsx bench/footprint/start-cost.ts [runs=5] [sqlite|memory|acs|all]
 *
 * Runs dist/ (compile first: npm run build).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { startBotyard } from '../lib/botyard.ts';
import { ROOT, startNode } from '../lib/proc.ts';
import { sleep } from '../lib/stats.ts';
import { storeConfig, type BenchStore } from '../lib/stores.ts';

const runs = Number(process.argv[2] ?? 5);
const which = process.argv[3] ?? 'sqlite';
const load = () => os.loadavg()[0]!.toFixed(2);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function importCost(): void {
  const script = `const t0 = performance.now(); const c0 = process.cpuUsage(); await import(${JSON.stringify(`${ROOT}/dist/cli/main.js`)});
const c = process.cpuUsage(c0); console.log(JSON.stringify({ wall: performance.now() - t0, cpu: (c.user + c.system) / 1000, rss: process.memoryUsage().rss / 2 ** 20 }));`;
  const rows: Array<{ wall: number; cpu: number; rss: number }> = [];
  for (let i = 0; i < runs; i++) rows.push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })));
  const m = (k: 'wall' | 'cpu' | 'rss') => Math.round(median(rows.map((r) => r[k])));
  console.log(`import dist/cli/main.js: wall ${m('wall')} ms, CPU ${m('cpu')} ms, RSS ${m('rss')} MB (median of ${runs}; load ${load()})`);
}

async function startCost(label: string, env: Record<string, string>, store: BenchStore): Promise<void> {
  const walls: number[] = [];
  const cpus: number[] = [];
  const rsss: number[] = [];
  for (let r = 0; r < runs; r++) {
    const config = storeConfig(store);
    const t0 = performance.now();
    const b = await startBotyard(env, undefined, { config });
    const wall = Math.round(performance.now() - t0);
    const cpu = Math.round(b.child.cpuMs());
    await sleep(2000);
    const rss = Math.round(b.child.rssMb() * 10) / 10;
    await b.child.stop();
    walls.push(wall);
    cpus.push(cpu);
    rsss.push(rss);
    console.log(`  ${label} run ${r + 1}: ready ${wall} ms wall, ${cpu} ms CPU; idle RSS ${rss} MB (load ${load()})`);
  }
  console.log(`${label}: ready median ${median(walls)} ms wall, ${median(cpus)} ms CPU; idle RSS median ${median(rsss)} MB`);
}

importCost();
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
