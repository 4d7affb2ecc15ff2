import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/sequencer.ts';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

/**
 * Files that change what a whole process does, and so get a fresh worker of their own: the exit guard
 * replaces process.exit once per process (vitest puts its own back after each file, so a later file in
 * a shared worker would find the guard gone), and the files that start tracing register OpenTelemetry's
 * global provider. The other telemetry files (config, carrier) touch no global and run shared: a fresh
 * worker costs ~2 CPU-s of imports.
 */
const ISOLATED = ['test/security/containment.test.ts', 'test/telemetry/root-sampling.test.ts', 'test/telemetry/sampling.test.ts', 'test/telemetry/trace-tree.test.ts'];

export default defineConfig({
  resolve: {
    // Tests run the TypeScript sources, not the compiled dist/ the package exports point at.
    alias: [
      { find: /^botyard$/, replacement: src('index.ts') },
      { find: /^botyard\/testing$/, replacement: src('testing/index.ts') },
    ],
  },
  test: {
    // vitest's default on 2 cores is one file at a time; most files here wait part of the time on child
    // processes, emulators, timers and npm. One more worker than cores (three here): in back-to-back quiet
    // runs four took 213 s and 319 CPU-s, three 199 s and 264 CPU-s (one import of src/ and the SDKs and
    // one chromium fewer, less contention). The few files that mostly wait on a real clock are started
    // apart (test/sequencer.ts), so that two of the three workers are seldom both waiting.
    // BOTYARD_TEST_WORKERS: a nested run (the README examples' few files, test/readme) asks for one worker, so
    // src/ and the SDKs are imported once rather than in three processes (vitest's --maxWorkers does not
    // reach the projects below).
    maxWorkers: Number(process.env.BOTYARD_TEST_WORKERS) || availableParallelism() + 1,
    // Deadlines, not targets: they only cost time when a test is failing, and a loaded 2-core machine needs room.
    // 60 s was not enough for the README examples' tsc or the starter's npm test with two full runs and
    // two other engineers' benchmarks on the box (load average 24): 3 minutes.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Longest files first, so the run does not end on one slow file (test/sequencer.ts).
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      {
        // A fresh worker per file re-imported src/ and the SDKs every time: ~2 s of CPU per file, a third of
        // the suite's. Here a worker runs file after file with the modules it already loaded. The files
        // keep no state between them (each makes its own runtime, emulator, store and Redis prefix, and
        // puts back what it changes: real timers, env); what is process-wide goes to 'isolated'.
        // (No `include` above: a project's list would be added to it, not replace it.) The setup file's path is
        // absolute: test/readme runs this config with the README examples' folder as its root.
        extends: true,
        test: { name: 'shared', isolate: false, include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...ISOLATED], setupFiles: [fileURLToPath(new URL('./test/setup/settle-imports.ts', import.meta.url))] },
      },
      { extends: true, test: { name: 'isolated', isolate: true, include: ISOLATED } },
    ],
    // vitest's own summary ("Test Files  1 failed | 36 passed") is what CI reads: it counts failed files,
    // which a per-test tally misses when a file fails to load.
  },
});
