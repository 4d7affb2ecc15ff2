/**
 * The order test files start in: longest first, so the run does not end with one slow file working
 * alone while the other workers idle. vitest's own order uses the durations it cached on an earlier run
 * (node_modules/.vite), which a fresh `npm ci` (CI) does not have; then it falls back to file size, which
 * says little here (a 100-line file that boots two processes and waits on timers would start last). So:
 * a cached duration when there is one, else the rough figure below, else 0 (short, at the end); the
 * files that wait on a real clock are spread out (WAITS_ON_CLOCK).
 * The isolated project's few short files come together, right after the first file: a shared worker is
 * only reused while the next file in line is a shared one too, and at the end (where they used to be)
 * the fresh workers they need spent ~10 s importing beside nothing else.
 */
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds per file as vitest reports them, in a full run with three workers beside other work
 * (2026-11-30, load average 4 to 9; order matters, not the figures). Listing a new slow file is optional.
 */
const KNOWN_SLOW: Record<string, number> = {
  'test/starter/create-botyard.test.ts': 46,
  'test/production/stream-cluster.test.ts': 34,
  'test/readme/readme.test.ts': 20,
  'test/security/redis-durability.test.ts': 19,
  'test/production/operations.test.ts': 18,
  'test/production/acs-cluster.test.ts': 17,
  'test/production/sqlite-stream.test.ts': 16,
  'test/console/faults.test.ts': 16,
  'test/console/moderation.test.ts': 16,
  'test/adapters/acs/poller.test.ts': 16,
  'test/outbound/redis-limiter.test.ts': 16,
  'test/console/verbs.test.ts': 15,
  'test/console/inspector.test.ts': 12,
  'test/production/timers-redis.test.ts': 12,
  'test/security/http-limits.test.ts': 12,
  'test/console/streaming.test.ts': 11,
  'test/production/timers-sqlite.test.ts': 10,
  'test/production/cron-cluster.test.ts': 10,
  'test/console/console.test.ts': 9,
  'test/security/loop-block.test.ts': 7,
  'test/scheduler/timers/redis.test.ts': 6,
  'test/security/event-grid-entra.test.ts': 5,
  'test/e2e/stream.test.ts': 5,
  'test/production/sqlite-acs.test.ts': 5,
  'test/queue/redis.test.ts': 4,
  'test/e2e/streaming-stream.test.ts': 4,
  'test/console/feed.test.ts': 4,
  'test/console/timers.test.ts': 4,
  'test/cli/fail-fast.test.ts': 3,
};

/**
 * Files that spend most of their time waiting on a real clock, using little CPU (seconds of work in a
 * file of 10 to 16: paced calls, short-lived tokens, one-second cron ticks, reminders due seconds after
 * they are set, in processes that have no test clock). Longest-first put several of them side by side,
 * and two of the three workers waiting at once left one worker to keep two cores busy. So they start
 * apart: the first first and each next one after STAGGER more files. (The two reminder files used to
 * wait 40 s each and were the only ones listed; they now wait seconds, see test/production/timers-*.)
 */
const WAITS_ON_CLOCK = [
  'test/outbound/redis-limiter.test.ts',
  'test/adapters/acs/poller.test.ts',
  'test/production/timers-redis.test.ts',
  'test/production/timers-sqlite.test.ts',
  'test/production/cron-cluster.test.ts',
];
const STAGGER = 3;

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const root = this.ctx.config.root;
    const name = (spec: TestSpecification) => path.relative(root, spec.moduleId).split(path.sep).join('/');
    const seconds = (spec: TestSpecification) => {
      const cached = cache.getFileTestResults(`${spec.project.name}:${name(spec)}`);
      return cached ? cached.duration / 1000 : (KNOWN_SLOW[name(spec)] ?? 0);
    };
    const isolated = (spec: TestSpecification) => spec.project.config.isolate;
    const clock = (spec: TestSpecification) => WAITS_ON_CLOCK.indexOf(name(spec));
    const longestFirst = (a: TestSpecification, b: TestSpecification) => seconds(b) - seconds(a);
    const order = files.filter((f) => !isolated(f) && clock(f) < 0).sort(longestFirst);
    const waiting = files.filter((f) => clock(f) >= 0).sort((a, b) => clock(a) - clock(b));
    waiting.forEach((spec, i) => order.splice(Math.min(i * (STAGGER + 1), order.length), 0, spec));
    order.splice(Math.min(1, order.length), 0, ...files.filter(isolated).sort(longestFirst));
    return order;
  }
}
