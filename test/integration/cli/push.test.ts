// `manifest-list-merger push FILE` in-process against the global setup's anonymous registry
// (behind a fault proxy where the request log matters): the `select --output` round trip,
// the expectation, children, stdin, and the usage errors.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureCliBuilt, lines, runInProcess, runSpawned } from '../../support/cli.js';
import { type FaultProxy, startFaultProxy } from '../../support/fault-proxy.js';
import { type Descriptor, getManifest, pushList } from '../../support/images.js';
import { uniqueRepo } from '../../support/registry.js';

const regs = inject('registries');
const reg = regs.anonymous;
let proxy: FaultProxy;
const tmp = mkdtempSync(join(tmpdir(), 'mlm-push-test-'));
beforeAll(async () => {
  proxy = await startFaultProxy(reg.url);
  await ensureCliBuilt();
}, 120_000);
afterAll(async () => {
  await proxy?.stop();
});

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const writes = () => proxy.log.filter((e) => e.method !== 'GET' && e.method !== 'HEAD');

/** A file holding a list of `entries`, indented as a human writes it. */
function listFile(name: string, entries: Descriptor[], mediaType: string): string {
  const file = join(tmp, name);
  writeFileSync(
    file,
    `${JSON.stringify({ schemaVersion: 2, mediaType, manifests: entries }, null, 2)}\n`,
  );
  return file;
}

/** A release tag (s390x) and a build (amd64, arm64) in one fresh repository. */
async function setup() {
  const repo = uniqueRepo('cli-push');
  const release = await pushList(reg, repo, 'release', { platforms: ['linux/s390x'] });
  await pushList(reg, repo, 'build', { platforms: ['linux/amd64', 'linux/arm64'] });
  const at = (tag: string) => `${proxy.host}/${repo}:${tag}`;
  return { repo, release, src: at('build'), dest: at('release') };
}

describe('push', () => {
  it('select --output FILE, then push FILE --expect-dest: the tag is exactly the file', async () => {
    const t = await setup();
    const file = join(tmp, `${t.repo.replace('/', '-')}.json`);
    const computed = await runInProcess([
      'select',
      '--src',
      t.src,
      '--dest',
      t.dest,
      '--arch',
      'amd64',
      '--output',
      file,
      '--json',
    ]);
    expect(computed.code).toBe(0);
    const selected = JSON.parse(computed.stdout);
    expect(selected).toMatchObject({ outcome: 'not-pushed', destinationDigest: t.release.digest });
    // What --output wrote is exactly the list whose digest the result reports.
    expect(sha256(readFileSync(file))).toBe(selected.digest);

    proxy.clearLog();
    const push = ['push', file, '--dest', t.dest, '--expect-dest', selected.destinationDigest];
    const pushed = await runInProcess(push);
    expect(pushed.code).toBe(0);
    expect(pushed.stderr).toBe('');
    expect(pushed.stdout).toContain(`Push ${file} -> ${t.dest}`);
    expect(pushed.stdout).toMatch(/\+ added\s+linux\/amd64/);
    expect(pushed.stdout).toContain(`Pushed ${selected.digest}`);
    const tag = await getManifest(reg, t.repo, 'release');
    expect(tag.digest).toBe(selected.digest);
    expect(tag.bytes.equals(readFileSync(file))).toBe(true);
    expect(writes().map((e) => `${e.method} ${e.path}`)).toEqual([
      `PUT /v2/${t.repo}/manifests/release`,
    ]);

    // Run again (a retried pipeline step): the tag already holds it.
    const again = await runInProcess(push);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Unchanged');
  });

  it('select prints the digest the list was computed from, for --expect-dest', async () => {
    const t = await setup();
    const run = await runInProcess(['select', '--src', t.src, '--dest', t.dest, '--arch', 'amd64']);
    expect(run.stdout).toContain(
      `computed from ${t.dest} at ${t.release.digest}: push it later with --expect-dest ${t.release.digest}`,
    );
  });

  it('reads the list from stdin (-); --json and --quiet print its digest', async () => {
    const t = await setup();
    const build = await pushList(reg, t.repo, undefined, { platforms: ['linux/ppc64le'] });
    const text = `${JSON.stringify({ schemaVersion: 2, mediaType: build.mediaType, manifests: [...build.entries, ...t.release.entries] }, null, 4)}`;
    const digest = sha256(Buffer.from(text));
    const json = await runInProcess(['push', '-', '--dest', t.dest, '--json'], { stdin: text });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      command: 'push',
      source: 'stdin',
      destination: t.dest,
      outcome: 'pushed',
      digest,
      destinationDigest: t.release.digest,
      unchanged: false,
    });
    const quiet = await runInProcess(['push', '-', '--dest', t.dest, '--quiet'], { stdin: text });
    expect(quiet.code).toBe(0);
    expect(lines(quiet.stdout)).toEqual([digest]); // unchanged now: the digest all the same
  });

  it.each([
    ['another digest', `sha256:${'0'.repeat(64)}`],
    ['none, for a tag that exists', 'none'],
  ])('--expect-dest %s: exit 3, nothing pushed', async (_, expected) => {
    const t = await setup();
    const file = listFile(
      `${t.repo.replace('/', '-')}.json`,
      t.release.entries,
      t.release.mediaType,
    );
    proxy.clearLog();
    const run = await runInProcess(['push', file, '--dest', t.dest, '--expect-dest', expected]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /the list was computed from another state of the tag; nothing was pushed/,
    );
    expect(run.stderr).toContain('[CONFLICT]; the signed list cannot change');
    expect(writes()).toEqual([]);
    expect((await getManifest(reg, t.repo, 'release')).digest).toBe(t.release.digest);
  });

  it('--expect-dest none pushes to a tag that does not exist yet', async () => {
    const t = await setup();
    const file = listFile(
      `${t.repo.replace('/', '-')}-new.json`,
      t.release.entries,
      t.release.mediaType,
    );
    const run = await runInProcess([
      'push',
      file,
      '--dest',
      `${proxy.host}/${t.repo}:new`,
      '--expect-dest',
      'none',
    ]);
    expect(run.code).toBe(0);
    expect((await getManifest(reg, t.repo, 'new')).digest).toBe(sha256(readFileSync(file)));
  });

  it('children from another repository: a MissingChildrenError without --src, copied with it', async () => {
    const t = await setup();
    const buildRepo = uniqueRepo('cli-push-build');
    const build = await pushList(reg, buildRepo, 'v1', { platforms: ['linux/riscv64'] });
    const file = listFile(
      `${t.repo.replace('/', '-')}-kids.json`,
      [...build.entries, ...t.release.entries],
      build.mediaType,
    );
    proxy.clearLog();
    const refused = await runInProcess(['push', file, '--dest', t.dest]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[MISSING_CHILDREN]; give --src naming the repository');
    expect(writes()).toEqual([]);
    const run = await runInProcess([
      'push',
      file,
      '--dest',
      t.dest,
      '--src',
      `${proxy.host}/${buildRepo}:v1`,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/copied 1 manifest\(s\) into the destination repository/);
    expect((await getManifest(reg, t.repo, 'release')).digest).toBe(sha256(readFileSync(file)));
  });

  it.each<[string, (f: string) => string[], number, RegExp]>([
    ['no --dest', (f) => ['push', f], 2, /'push' needs --dest <ref>/],
    [
      'a destination by digest',
      (f) => ['push', f, '--dest', `${reg.host}/a/b@sha256:${'a'.repeat(64)}`],
      2,
      /is a digest/,
    ],
    [
      'a malformed --expect-dest',
      (f) => ['push', f, '--dest', `${reg.host}/a/b:1`, '--expect-dest', 'latest'],
      2,
      /'latest' is not a digest: write sha256:<64 hex digits>, or none/,
    ],
    [
      'a missing file',
      () => ['push', join(tmp, 'nope.json'), '--dest', `${reg.host}/a/b:1`],
      2,
      /cannot read '.*nope\.json'/,
    ],
    [
      'no FILE',
      () => ['push', '--dest', `${reg.host}/a/b:1`],
      2,
      /missing required argument 'file'/,
    ],
    [
      'stdin for both the list and a password',
      () => [
        'push',
        '-',
        '--dest',
        `${reg.host}/a/b:1`,
        '--dest-username',
        'u',
        '--dest-password-stdin',
      ],
      2,
      /passwords cannot come from stdin too/,
    ],
  ])('%s is a usage error', async (_, argv, code, message) => {
    const file = listFile('usage.json', [], 'application/vnd.oci.image.index.v1+json');
    const run = await runInProcess(argv(file));
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
  });

  it.each<[string, string, RegExp]>([
    [
      'a single-image manifest',
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {},
        layers: [],
      }),
      /\[INVALID_MANIFEST_LIST\]/,
    ],
    [
      'a list without a mediaType',
      JSON.stringify({ schemaVersion: 2, manifests: [] }),
      /names no top-level mediaType, .*\[INVALID_MANIFEST_LIST\]/,
    ],
    [
      'more than 4 MiB',
      ' '.repeat(4 * 1024 * 1024 + 1),
      /larger than the limit of 4194304 bytes \[MANIFEST_TOO_LARGE\]/,
    ],
  ])('%s is refused before any request (exit 1)', async (_, content, message) => {
    const file = join(tmp, 'bad.json');
    writeFileSync(file, content);
    proxy.clearLog();
    const run = await runInProcess([
      'push',
      file,
      '--dest',
      `${proxy.host}/${uniqueRepo('bad')}:1`,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(proxy.log).toEqual([]);
  });

  it("select's help shows the real push command, not 'push later'", async () => {
    const run = await runInProcess(['select', '--help']);
    expect(run.stdout).not.toContain('push later');
    expect(run.stdout).toMatch(/push list\.json --dest \.\.\. --expect-dest/);
    const main = await runInProcess(['--help']);
    expect(main.stdout).toMatch(/push list\.json --dest quay\.io\/acme\/app:1\.2 --expect-dest/);
  });

  it('works from the built CLI (node dist/cli.js): stdin in, the digest out, exit 3 on a moved tag', async () => {
    const t = await setup();
    const build = await pushList(reg, t.repo, undefined, { platforms: ['linux/arm64'] });
    const text = JSON.stringify({
      schemaVersion: 2,
      mediaType: build.mediaType,
      manifests: [...build.entries, ...t.release.entries],
    });
    const digest = sha256(Buffer.from(text));
    const refused = await runSpawned(
      ['push', '-', '--dest', t.dest, '--expect-dest', `sha256:${'1'.repeat(64)}`],
      { stdin: text },
    );
    expect(refused.code).toBe(3);
    const run = await runSpawned(
      ['push', '-', '--dest', t.dest, '--expect-dest', t.release.digest, '--quiet'],
      { stdin: text },
    );
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([digest]);
    expect((await getManifest(reg, t.repo, 'release')).digest).toBe(digest);
    const shard = await runSpawned(['bulk', '-', '--shard', '1/1', '--dry-run', '--json'], {
      stdin: `${t.src} ${t.dest}\n`,
    });
    expect(JSON.parse(shard.stdout)).toMatchObject({
      shard: { index: 1, count: 1, jobsInFile: 1 },
    });
  });
});
