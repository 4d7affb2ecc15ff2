import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run the TypeScript sources, not the compiled dist/ the package exports point at.
    alias: [
      { find: /^botyard$/, replacement: src('index.ts') },
      { find: /^botyard\/testing$/, replacement: src('testing/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // vitest's default on 2 cores is one file at a time; most files here wait on child processes,
    // emulators and npm, so two at a time finish sooner and every file still gets its deadlines.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Deadlines, not targets: they only cost time when a test is failing, and a loaded 2-core machine needs room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // vitest's own summary ("Test Files  1 failed | 36 passed") is what CI reads: it counts failed files,
    // which a per-test tally misses when a file fails to load.
  },
});
