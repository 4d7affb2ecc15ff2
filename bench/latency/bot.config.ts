// The example bots as bot.config.ts runs them, with Stream's outbound limits raised the way an app
// whose limits Stream has raised would configure them: the benchmark measures the runtime, not pacing.
import { defineConfig } from 'botyard';

const raised = { perMinute: 6_000_000, burst: 100_000 };

export default defineConfig({
  botsDir: '../../bots',
  limits: { stream: { send: raised, markRead: raised, typing: raised, edit: raised, delete: raised } },
});
