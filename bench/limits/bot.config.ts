// Two instances on one Redis share one send limit of LIMIT_PER_MINUTE (600 unless the bench says
// otherwise). Handlers may wait their turn for minutes: the timeout leaves them room.
import { defineConfig } from 'botyard';

export default defineConfig({
  botsDir: './bots',
  redisPrefix: 'bench-limits',
  handlerTimeoutMs: 600_000,
  queue: { concurrency: 16 },
  limits: { stream: { send: { perMinute: Number(process.env.LIMIT_PER_MINUTE ?? 600) } } },
});
