import { defineConfig } from 'vitest/config';

// The multi-process stress test runs on its own, after everything else: it measures what
// several writers on one host do, so other test files must not load the CPU meanwhile.
const STRESS = ['test/integration/cli/concurrent-processes.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['test/support/build-once.ts', 'test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // The JSON report feeds .ci/run's `N passed, N failed` line.
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts', 'docs/examples/**/*.test.ts'],
          exclude: STRESS,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'stress', include: STRESS, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
