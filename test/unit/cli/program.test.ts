// The command line (src/cli/program.ts), in process and before any request: usage errors
// exit 2 with one line, and a mistyped flag never echoes its value.
import { describe, expect, it } from 'vitest';
import { lines, runInProcess } from '../../support/cli.js';

describe('usage errors exit 2 with one line', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['missing --src', ['merge', '--dest', 'localhost:5000/a:b'], /--src/],
    ['missing --dest', ['select', '--src', 'localhost:5000/a:b', '--arch', 'amd64'], /--dest/],
    [
      'destination by digest',
      [
        'merge',
        '--src',
        'localhost:5000/a:b',
        '--dest',
        `localhost:5000/a@sha256:${'a'.repeat(64)}`,
      ],
      /digest/,
    ],
    [
      'bad --match',
      ['merge', '--src', 'localhost:5000/a:b', '--dest', 'localhost:5000/a:c', '--match', 'os'],
      /--match/,
    ],
    [
      'select without --arch',
      ['select', '--src', 'localhost:5000/a:b', '--dest', 'localhost:5000/a:c'],
      /--arch/,
    ],
    [
      'invalid reference',
      ['merge', '--src', 'Not A Ref', '--dest', 'localhost:5000/a:c'],
      /Not A Ref/,
    ],
    ['unknown option', ['merge', '--srcc', 'x'], /--srcc/],
    ['bad --timeout', ['merge', '--src', 'a/b:c', '--dest', 'a/b:d', '--timeout', 'soon'], /soon/],
    [
      'username without a password',
      [
        'merge',
        '--src',
        'localhost:5000/a:b',
        '--dest',
        'localhost:5000/a:c',
        '--dest-username',
        'u',
      ],
      /MLM_DEST_PASSWORD/,
    ],
    ['--verbose with --quiet', ['merge', '--src', 'a/b:c', '--dest', 'a/b:d', '-v', '-q'], /quiet/],
  ];
  it.each(cases)('%s', async (_name, argv, pattern) => {
    const run = await runInProcess(argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toMatch(pattern);
    expect(run.stderr).toMatch(/^manifest-list-merger: error: /);
  });

  it('no arguments at all prints the help on stderr and exits 2', async () => {
    const run = await runInProcess([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: manifest-list-merger');
  });
});

describe('mistyped flags', () => {
  it.each([
    ['--src-password=Hunter2Secret', "'--src-password=***'"],
    ['--dest-password=Hunter2 Secret', "'--dest-password=***'"],
    ["--src-pass='Hunter2Secret'", "'--src-pass=***'"],
    ['-pHunter2Secret', "'-p***'"],
    ['-nHunter2Secret', "'-H***'"],
  ])('an unknown option never echoes its value: %s', async (flag, shown) => {
    const run = await runInProcess(['merge', '--src', 'a/b:c', '--dest', 'a/b:d', flag]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain(`unknown option ${shown}`);
    expect(run.stdout + run.stderr).not.toContain('Hunter2');
  });

  it('masks a short value too, and without a command', async () => {
    const run = await runInProcess(['--src', 'a/b:c', '--dest-password=abc']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("'--dest-password=***'");
    expect(run.stderr).not.toContain('abc');
  });

  it("keeps commander's suggestion on the one line", async () => {
    const run = await runInProcess(['merge', '--srcc', 'a/b:c']);
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toBe(
      "manifest-list-merger: error: unknown option '--srcc' (Did you mean --src?); see 'manifest-list-merger merge --help'\n",
    );
  });
});
