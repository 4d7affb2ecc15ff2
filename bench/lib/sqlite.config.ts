// The example bots as bot.config.ts runs them, on SQLite (the default store of botyard start), in a
// file of the benchmark's own (bench/results/tmp/, emptied before each start by bench/lib/stores.ts);
// BENCH_SQLITE_FILE names another one there, for a second server run beside the first (focus.ts eBase).
import { defineConfig } from 'botyard';
import base from '../../bot.config.ts';

export default defineConfig({ ...base, botsDir: '../../bots', store: { kind: 'sqlite', path: `../results/tmp/${process.env.BENCH_SQLITE_FILE ?? 'bench.db'}` } });
