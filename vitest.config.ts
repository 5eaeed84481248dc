import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files that must each run in a fresh process: they replace a module (vi.mock) for every
 * module they load, or set process-wide globals. Every other file shares its worker's module
 * cache with the files that ran before it there (isolate: false), which spares a process start
 * and a fresh import of src/ per file; they leave no state behind (fake timers and patched
 * prototypes are put back when their test finishes).
 */
const ISOLATED = ['tests/cli/hostile.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most test files spend their time waiting on child processes (git, npm, the built CLI), so
    // vitest's default of one worker fewer than the cores leaves a 2-core machine half idle.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
    projects: [
      { extends: true, test: { name: 'shared', include: ['tests/**/*.test.ts'], exclude: ISOLATED, isolate: false } },
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
    ],
  },
});
