// The example bots as bot.config.ts runs them, with Stream's outbound limits raised the way an app
// whose limits Stream has raised would configure them: the benchmark measures the runtime, not pacing.
import { defineConfig } from 'botyard';

const raised = { perMinute: 6_000_000, burst: 100_000 };

export default defineConfig({
  botsDir: '../../bots',
  // As this benchmark ran before SQLite became the default: reply latency without a disk in the path.
  store: 'memory',
  limits: { stream: { send: raised, markRead: raised, typing: raised, edit: raised, delete: raised } },
});
