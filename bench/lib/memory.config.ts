// The example bots as bot.config.ts runs them, with state in memory: the "memory" setups of the benchmarks.
import { defineConfig } from 'botyard';
import base from '../../bot.config.ts';

export default defineConfig({ ...base, botsDir: '../../bots', store: 'memory' });
