/**
 * `botyard start`, with the Stream send bucket raised for the latency benchmark. Stream's default
 * self-serve SendMessage limit is 1,000/min (16.7/s), and botyard paces to it by design; an app
 * replying to 500 events/s has had its limits raised by Stream, so the bench raises the runtime's
 * buckets to match and measures the runtime, not the pacing. Nothing else differs from bin/botyard.js.
 */
import { defaultLimits } from '../../src/outbound/limits.ts';
import { main } from '../../src/cli/main.ts';

for (const kind of Object.keys(defaultLimits.stream) as Array<keyof typeof defaultLimits.stream>) {
  defaultLimits.stream[kind] = { limit: 6_000_000, windowMs: 60_000, burst: 100_000, scope: 'app' };
}
process.exitCode = await main(process.argv.slice(2));
