/**
 * Benchmark 4: footprint. `node bin/botyard.js start` with the example bots against the emulators
 * (each in its own process): time from spawn to GET /readyz 200, and RSS once idle. Three runs each,
 * Stream alone and Stream + ACS.
 */
import { startBotyard } from '../lib/botyard.ts';
import { startNode } from '../lib/proc.ts';
import { round, sleep, spread, type Spread } from '../lib/stats.ts';
import { storeConfig, type BenchStore } from '../lib/stores.ts';

export interface FootprintResult {
  setups: Array<{ label: string; readyMs: Spread; idleRssMb: Spread }>;
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
  try {
    for (const s of setups) {
      const ready: number[] = [];
      const rss: number[] = [];
      for (let r = 0; r < runs; r++) {
        const config = storeConfig(s.store); // a fresh SQLite file each run: a first start, as a new deployment's
        const t0 = performance.now();
        const b = await startBotyard(3931, s.env, 0, { config });
        ready.push(Math.round(performance.now() - t0));
        await sleep(2000);
        rss.push(round(b.child.rssMb()));
        await b.child.stop();
        opts.log(`footprint ${s.label} run ${r + 1}: ready in ${ready.at(-1)} ms, idle RSS ${rss.at(-1)} MB`);
      }
      out.push({ label: s.label, readyMs: spread(ready), idleRssMb: spread(rss) });
    }
  } finally {
    await acs.stop();
  }
  return { setups: out };
}
