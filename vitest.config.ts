import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'docs/examples/**/*.test.ts'],
    globalSetup: ['test/support/build-once.ts', 'test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // The JSON report feeds .ci/run's `N passed, N failed` line.
    reporters: ['default', ['json', { outputFile: 'test-results.json' }]],
  },
});
