/**
 * Benchmark 4: footprint. `node bin/botyard.js start` with the example bots against the emulators
 * (each in its own process): time from spawn to GET /readyz 200, and RSS once idle. Three runs each,
 * Stream alone and Stream + ACS.
 */
import { startBotyard } from '../lib/botyard.ts';
import { undisturbed, worst, type Disturbance } from '../lib/disturbance.ts';
import { execFileSync } from 'node:child_process';
import { startNode } from '../lib/proc.ts';
import { round, sleep, spread, type Spread } from '../lib/stats.ts';
import { storeConfig, type BenchStore } from '../lib/stores.ts';

export interface FootprintResult {
  /** spawn → exit of `node -e 0` with the same environment: what any Node process costs on this machine before botyard runs a line. */
  bareNodeMs?: Spread;
  /** `childRssMb`: the processes it started, at the same moment (a bundler's service it kept, say): memory the deployment holds beside it. */
  setups: Array<{ label: string; readyMs: Spread; idleRssMb: Spread; childRssMb?: Spread; disturbance?: Disturbance }>;
}

export async function benchFootprint(opts: { streamEnv: Record<string, string>; runs?: number; log: (s: string) => void }): Promise<FootprintResult> {
  const runs = opts.runs ?? 3;
  const acs = startNode('bench/acs/emulator.ts', { cpu: 1 });
  const a = await acs.waitFor<{ connectionString: string; caPath: string; botId: string }>('ready');
  await acs.request('setup', { count: 10 });
  const acsEnv = { ACS_CONNECTION_STRING: a.connectionString, ACS_CA_PATH: a.caPath, ACS_BOT_USER_ID: a.botId };
  const setups: Array<{ label: string; env: Record<string, string>; store: BenchStore }> = [
    { label: 'Stream, 4 example bots, memory state', env: opts.streamEnv, store: 'memory' },
    { label: 'Stream + ACS, 4 example bots, memory state', env: { ...opts.streamEnv, ...acsEnv }, store: 'memory' },
    { label: 'Stream, 4 example bots, SQLite state (the default)', env: opts.streamEnv, store: 'sqlite' },
    { label: 'Stream + ACS, 4 example bots, SQLite state (the default)', env: { ...opts.streamEnv, ...acsEnv }, store: 'sqlite' },
  ];
  const out: FootprintResult['setups'] = [];
  // Node's own start differs a lot between machines (this one sets NODE_EXTRA_CA_CERTS, which Node 20 loads
  // at every start: ~0.1 s of CPU), so it is measured beside the ready times it is part of.
  const bare = Array.from({ length: 5 }, () => {
    const t0 = performance.now();
    execFileSync(process.execPath, ['-e', '0'], { env: { ...process.env, ...opts.streamEnv } });
    return Math.round(performance.now() - t0);
  });
  opts.log(`footprint: a bare node -e 0 takes ${bare.join(', ')} ms`);
  try {
    for (const s of setups) {
      const ready: number[] = [];
      const rss: number[] = [];
      const childRss: number[] = [];
      const disturbances: Disturbance[] = [];
      for (let r = 0; r < runs; r++) {
        const config = storeConfig(s.store); // a fresh SQLite file each run: a first start, as a new deployment's
        const { result, disturbance } = await undisturbed(`footprint ${s.label} run ${r + 1}`, async () => {
          const t0 = performance.now();
          const b = await startBotyard(s.env, 0, { config });
          const readyMs = Math.round(performance.now() - t0);
          await sleep(2000);
          const rssMb = round(b.child.rssMb());
          const childMb = round(b.child.childrenRssMb());
          await b.child.stop();
          return { readyMs, rssMb, childMb };
        }, { log: opts.log });
        ready.push(result.readyMs);
        rss.push(result.rssMb);
        childRss.push(result.childMb);
        disturbances.push(disturbance);
        opts.log(`footprint ${s.label} run ${r + 1}: ready in ${result.readyMs} ms, idle RSS ${result.rssMb} MB (+ ${result.childMb} MB in child processes); others ${disturbance.othersPct}%${disturbance.disturbed ? ' DISTURBED' : ''}`);
      }
      out.push({ label: s.label, readyMs: spread(ready), idleRssMb: spread(rss), childRssMb: spread(childRss), disturbance: worst(disturbances) });
    }
  } finally {
    await acs.stop();
  }
  return { bareNodeMs: spread(bare), setups: out };
}
