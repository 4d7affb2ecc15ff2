/**
 * The order test files start in: longest first, so the run does not end with one slow file working
 * alone while the other workers idle. vitest's own order uses the durations it cached on an earlier run
 * (node_modules/.vite), which a fresh `npm ci` (CI) does not have; then it falls back to file size, which
 * says little here (a 100-line file that boots two processes and waits 40 s of timers starts last). So:
 * a cached duration when there is one, else the rough figure below, else 0 (short, at the end).
 * The shared (non-isolated) project's files come before the isolated ones, whatever their length: a
 * shared worker is only reused while the next file in line is a shared one too.
 */
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds each slow file took on an unloaded run here (order matters, not the figures; from a quiet run of 2026-11-30). Listing a new slow file is optional. */
const KNOWN_SLOW: Record<string, number> = {
  'test/production/stream-cluster.test.ts': 48,
  'test/production/timers-redis.test.ts': 43,
  'test/production/timers-sqlite.test.ts': 32,
  'test/production/sqlite-stream.test.ts': 29,
  'test/security/redis-durability.test.ts': 26,
  'test/starter/create-botyard.test.ts': 23,
  'test/production/sqlite-acs.test.ts': 22,
  'test/readme/readme.test.ts': 20,
  'test/console/verbs.test.ts': 17,
  'test/outbound/redis-limiter.test.ts': 16,
  'test/production/acs-cluster.test.ts': 15,
  'test/adapters/acs/poller.test.ts': 15,
  'test/queue/redis.test.ts': 13,
  'test/console/inspector.test.ts': 12,
  'test/console/moderation.test.ts': 12,
  'test/production/operations.test.ts': 12,
  'test/console/console.test.ts': 11,
  'test/security/http-limits.test.ts': 10,
  'test/console/faults.test.ts': 10,
  'test/cli/fail-fast.test.ts': 10,
  'test/production/sqlite-state.test.ts': 9,
  'test/console/streaming.test.ts': 8,
  'test/security/loop-block.test.ts': 8,
  'test/production/cron-cluster.test.ts': 8,
  'test/console/feed.test.ts': 7,
  'test/security/event-grid-secret.test.ts': 6,
};

/**
 * Files that spend most of their time waiting on a real clock (reminders due 40 s after they are set, in
 * processes that have no test clock): they start first, so their waiting overlaps the other files' work
 * instead of ending the run.
 */
const WAITS_ON_CLOCK = new Set(['test/production/timers-redis.test.ts', 'test/production/timers-sqlite.test.ts']);

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const root = this.ctx.config.root;
    const seconds = (spec: TestSpecification) => {
      const file = path.relative(root, spec.moduleId).split(path.sep).join('/');
      if (WAITS_ON_CLOCK.has(file)) return 1e6;
      const cached = cache.getFileTestResults(`${spec.project.name}:${file}`);
      return cached ? cached.duration / 1000 : (KNOWN_SLOW[file] ?? 0);
    };
    const isolated = (spec: TestSpecification) => (spec.project.config.isolate ? 1 : 0);
    return [...files].sort((a, b) => isolated(a) - isolated(b) || seconds(b) - seconds(a));
  }
}
