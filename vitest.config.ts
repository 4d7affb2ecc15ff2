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
    // Deadlines, not targets: they only cost time when a test is failing, and a loaded 2-core machine needs room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // vitest's own summary ("Test Files  1 failed | 36 passed") is what CI reads: it counts failed files,
    // which a per-test tally misses when a file fails to load.
  },
});
