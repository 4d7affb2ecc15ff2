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

/** Seconds each slow file took on an unloaded run here (order matters, not the figures). Listing a new slow file is optional. */
const KNOWN_SLOW: Record<string, number> = {
  'test/starter/create-botyard.test.ts': 50,
  'test/production/stream-cluster.test.ts': 45,
  'test/production/timers-redis.test.ts': 42,
  'test/security/event-grid-secret.test.ts': 37,
  'test/production/timers-sqlite.test.ts': 32,
  'test/readme/readme.test.ts': 27,
  'test/production/operations.test.ts': 25,
  'test/production/sqlite-acs.test.ts': 24,
  'test/security/redis-durability.test.ts': 22,
  'test/production/sqlite-stream.test.ts': 22,
  'test/production/acs-cluster.test.ts': 20,
  'test/cli/fail-fast.test.ts': 15,
  'test/outbound/redis-limiter.test.ts': 15,
  'test/adapters/acs/poller.test.ts': 15,
  'test/security/http-limits.test.ts': 14,
  'test/console/verbs.test.ts': 13,
  'test/console/inspector.test.ts': 12,
  'test/security/loop-block.test.ts': 12,
  'test/queue/redis.test.ts': 11,
  'test/production/cron-cluster.test.ts': 8,
};

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const cache = this.ctx.cache;
    const root = this.ctx.config.root;
    const seconds = (spec: TestSpecification) => {
      const file = path.relative(root, spec.moduleId).split(path.sep).join('/');
      const cached = cache.getFileTestResults(`${spec.project.name}:${file}`);
      return cached ? cached.duration / 1000 : (KNOWN_SLOW[file] ?? 0);
    };
    const isolated = (spec: TestSpecification) => (spec.project.config.isolate ? 1 : 0);
    return [...files].sort((a, b) => isolated(a) - isolated(b) || seconds(b) - seconds(a));
  }
}
