// `bulk` (src/cli/run-bulk.ts), in process and before any request: a secret read from stdin,
// the environment or the jobs file is never printed, and the jobs file is bounded.
import { describe, expect, it } from 'vitest';
import { MAX_BULK_FILE_BYTES } from '../../../src/cli/bulk-file.js';
import { runInProcess } from '../../support/cli.js';

describe('bulk never prints a secret read from stdin, the environment or the jobs file', () => {
  const SECRET = 'pa55w0rd9x'; // short enough for JSON.parse to quote it whole
  const env = { MLM_SRC_USERNAME: 'ci', MLM_SRC_PASSWORD: SECRET };
  it.each([
    ['an invalid reference holding it (lines)', `a/b:1 a/B${SECRET}:2\n`],
    [
      'an invalid reference holding it (JSON)',
      JSON.stringify([{ src: 'a/b:1', dest: `a/B${SECRET}` }]),
    ],
    ['a JSON syntax error next to it', `[{"src": "a/b:1", "dest": "a/b:2", "x": ${SECRET}}]`],
    [
      'a JSON syntax error next to a password of the file',
      '[{"src": "a/b:1", "password": s3cret-in-the-file}]',
    ],
  ])('%s', async (_name, jobs) => {
    const run = await runInProcess(['bulk', '-'], { stdin: jobs, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^manifest-list-merger: error: /);
    expect(run.stderr + run.stdout).not.toContain(SECRET);
    expect(run.stderr + run.stdout).not.toContain('s3cret');
  });
  it(`refuses a jobs file over ${MAX_BULK_FILE_BYTES / 1024 / 1024} MiB`, async () => {
    const run = await runInProcess(['bulk', '-'], {
      stdin: `a/b:1 a/b:2\n${'#'.repeat(MAX_BULK_FILE_BYTES)}\n`,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('stdin is larger than 16 MiB');
  });
});
