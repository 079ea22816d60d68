// Prints the plain closing line CI reads (`N passed, N failed`) from vitest's JSON report,
// and exits non-zero when anything failed, nothing ran, or vitest itself exited non-zero
// (an unhandled error fails the run without failing a test).
// Usage: node scripts/test-summary.mjs REPORT [EXTRA_FAILURES] [VITEST_EXIT_STATUS]
import { readFileSync } from 'node:fs';

const [file = 'test-results.json', extraFailures = '0', runnerStatus = '0'] = process.argv.slice(2);
let passed = 0;
let failed = Number(extraFailures) || 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A test file that failed to load (syntax error, failing hook) has no failed test of its own.
  const brokenSuites = (report.testResults ?? []).filter(
    (suite) =>
      suite.status === 'failed' &&
      (suite.assertionResults ?? []).every((t) => t.status !== 'failed'),
  ).length;
  failed += brokenSuites;
  if (passed + failed === 0) failed = 1;
  if (Number(runnerStatus) !== 0 && failed === 0) {
    console.error(
      `vitest exited with status ${runnerStatus} although no test failed (an unhandled error?)`,
    );
    failed = 1;
  }
} catch (error) {
  console.error(`No readable test report at ${file}: ${error.message}`);
  failed = Math.max(failed, 1);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
