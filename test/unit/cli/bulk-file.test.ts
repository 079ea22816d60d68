// The jobs file of `bulk` (src/cli/bulk-file.ts): lines and JSON, refusals, credentials.
import { describe, expect, it } from 'vitest';
import { parseBulkFile } from '../../../src/cli/bulk-file.js';
import { UsageError } from '../../../src/cli/usage-error.js';

describe('parseBulkFile', () => {
  it('reads SRC DEST lines, skipping comments and blank lines', () => {
    expect(parseBulkFile('# jobs\n\na/b:1 a/b:2  # trailing\n c/d:1\tc/d:2 \n', 'f')).toEqual([
      { src: 'a/b:1', dest: 'a/b:2' },
      { src: 'c/d:1', dest: 'c/d:2' },
    ]);
  });
  it('reads a JSON array of both modes', () => {
    expect(
      parseBulkFile(
        '[{"src":"a/b:1","dest":"a/b:2"},{"src":"c/d:1","dest":"c/d:2","archs":["arm64"],"push":true}]',
        'f',
      ),
    ).toEqual([
      { src: 'a/b:1', dest: 'a/b:2' },
      { src: 'c/d:1', dest: 'c/d:2', archs: ['arm64'], push: true },
    ]);
  });
  it('reads the input fields of a job: create, allowEmpty, platform, collapseSourceDuplicates', () => {
    const text = JSON.stringify([
      { src: 'a/b:1', dest: 'a/b:2', create: true, platform: 'linux/s390x' },
      { src: 'c/d:1', dest: 'c/d:2', archs: ['arm64'], allowEmpty: false },
      { src: 'e/f:1', dest: 'e/f:2', collapseSourceDuplicates: true },
    ]);
    expect(parseBulkFile(text, 'f')).toEqual([
      { src: 'a/b:1', dest: 'a/b:2', create: true, platform: 'linux/s390x' },
      { src: 'c/d:1', dest: 'c/d:2', archs: ['arm64'], allowEmpty: false },
      { src: 'e/f:1', dest: 'e/f:2', collapseSourceDuplicates: true },
    ]);
  });
  it.each([
    ['', /no jobs/],
    ['[{"src":"a","dest":"b","create":"yes"}]', /f\[0\]: "create" must be true or false/],
    ['[{"src":"a","dest":"b","archs":["x"],"create":true}]', /"create" is for merge jobs/],
    ['[{"src":"a","dest":"b","allowEmpty":true}]', /"allowEmpty" goes with "archs"/],
    ['[{"src":"a","dest":"b","platform":3}]', /"platform" must be a string/],
    ['[{"src":"a","dest":"b","collapseSourceDuplicates":1}]', /"collapseSourceDuplicates" must be/],
    ['a b c\n', /f:1/],
    ['[', /not valid JSON/],
    ['[{"src":"a/b:1"}]', /"dest"/],
    ['[{"src":"a","dest":"b","archs":[]}]', /archs/],
    ['[{"src":"a","dest":"b","push":true}]', /"push" goes with "archs"/],
  ])('refuses %o', (text, message) => {
    expect(() => parseBulkFile(text, 'f')).toThrow(message);
  });
  it('hands every credential-like value of a JSON job to onSecret, then refuses the job', () => {
    const seen: string[] = [];
    const text = JSON.stringify([
      { src: 'a/b:1', dest: 'a/b:2' },
      { src: 'a/b:1', dest: 'a/b:2', auth: { password: 'pw-nested', user: 'u' } },
      { src: 'a/b:1', dest: 'a/b:2', destToken: 'tok-value' },
    ]);
    expect(() => parseBulkFile(text, 'f', (s) => seen.push(s))).toThrow(
      /f\[1\]: "auth": a job cannot carry credentials/,
    );
    expect(seen.sort()).toEqual(['pw-nested', 'tok-value', 'u']);
  });
  it('reports a JSON syntax error by position, never quoting the text', () => {
    const text = '[{"src": "a/b:1",\n "dest": "a/b:2", "x": hunter2-unquoted}]';
    const error = (() => {
      try {
        parseBulkFile(text, 'f');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error?.message).not.toContain('hunter2');
    expect(error?.message).toMatch(/^f is not valid JSON/);
  });
});
