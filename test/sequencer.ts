/**
 * The order test files start in: longest first, so the run does not end with one slow file working
 * alone while the other workers idle. vitest's own order uses the durations it cached on an earlier run
 * (node_modules/.vite), which a fresh `npm ci` (CI) does not have; then it falls back to file size, which
 * says little here (a 100-line file that boots two processes and waits 40 s of timers starts last). So:
 * a cached duration when there is one, else the rough figure below, else 0 (short, at the end); the
 * files that wait on a real clock are spread out (WAITS_ON_CLOCK).
 * The isolated project's few short files come together, right after the first file: a shared worker is
 * only reused while the next file in line is a shared one too, and at the end (where they used to be)
 * the fresh workers they need spent ~10 s importing beside nothing else.
 */
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds from a file's first hook to its last, in a profiled run with three workers beside other work
 * (2026-11-30; order matters, not the figures). Listing a new slow file is optional.
 */
const KNOWN_SLOW: Record<string, number> = {
  'test/security/redis-durability.test.ts': 80,
  'test/production/stream-cluster.test.ts': 67,
  'test/production/timers-redis.test.ts': 46,
  'test/production/timers-sqlite.test.ts': 45,
  'test/readme/readme.test.ts': 43,
  'test/console/verbs.test.ts': 43,
  'test/starter/create-botyard.test.ts': 35,
  'test/console/console.test.ts': 34,
  'test/production/sqlite-stream.test.ts': 33,
  'test/production/acs-cluster.test.ts': 31,
  'test/production/operations.test.ts': 28,
  'test/console/inspector.test.ts': 27,
  'test/console/moderation.test.ts': 26,
  'test/production/sqlite-acs.test.ts': 21,
  'test/security/http-limits.test.ts': 19,
  'test/console/faults.test.ts': 19,
  'test/adapters/acs/poller.test.ts': 19,
  'test/queue/redis.test.ts': 16,
  'test/cli/fail-fast.test.ts': 16,
  'test/outbound/redis-limiter.test.ts': 16,
  'test/production/cron-cluster.test.ts': 15,
  'test/console/streaming.test.ts': 14,
  'test/production/sqlite-state.test.ts': 11,
  'test/console/timers.test.ts': 10,
  'test/e2e/stream.test.ts': 7,
  'test/security/loop-block.test.ts': 7,
};

/**
 * Files that spend most of their time waiting on a real clock (reminders due 40 s after they are set, in
 * processes that have no test clock). Their waiting must overlap other files' work, not end the run, and
 * not come all at once: with three workers, two files waiting side by side left one worker to keep two
 * cores busy. So the first starts first and each next one after STAGGER more files.
 */
const WAITS_ON_CLOCK = ['test/production/timers-redis.test.ts', 'test/production/timers-sqlite.test.ts'];
const STAGGER = 6;

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
