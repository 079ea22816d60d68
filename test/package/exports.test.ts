// Packs the library as npm would publish it, installs the tarball in a temporary project and
// uses it through both `require` and `import`; publint and arethetypeswrong check the package.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const bin = (name: string) => join(root, 'node_modules', '.bin', name);
let workDir = '';
let tarball = '';

const REQUIRED_EXPORTS = [
  'ManifestListMerger',
  'getMissingArchitectures',
  'addMissingArchitectures',
  'selectArchitectures',
  'parseManifestList',
  'ManifestListMergerError',
  'InvalidManifestListError',
  'ClientsNotSetError',
  'DestinationNotFoundError',
  'InMemoryRegistryClient',
];

// A small program run by the installed package in both module systems: it lists the exports
// it needs and performs a real merge over the in-memory client.
const PROGRAM = `
const list = (archs) => ({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: archs.map((a, i) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: 'sha256:' + Buffer.from(a).toString('hex').padEnd(64, '0'),
    size: 100 + i,
    platform: { os: 'linux', architecture: a },
  })),
});
async function main(lib) {
  const registry = new lib.InMemoryRegistryClient();
  registry.setManifest('registry.test/app:src', list(['amd64']));
  registry.setManifest('registry.test/app:dest', list(['s390x', 'ppc64le']));
  const merger = new lib.ManifestListMerger({
    srcImage: 'registry.test/app:src', destImage: 'registry.test/app:dest',
    srcClient: registry, destClient: registry,
  });
  const result = await merger.mergeManifestLists();
  const missing = ${JSON.stringify(REQUIRED_EXPORTS)}.filter((name) => typeof lib[name] !== 'function');
  let typedError = false;
  try { lib.parseManifestList('{'); } catch (e) { typedError = e instanceof lib.InvalidManifestListError && e instanceof lib.ManifestListMergerError; }
  console.log(JSON.stringify({ missing, outcome: result.outcome, fromSource: result.fromSource, fromDestination: result.fromDestination, typedError }));
}
`;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'mlm-package-'));
  // dist/ was built by the global setup; packing must not rebuild it under other tests.
  const out = execFileSync(
    'npm',
    ['pack', '--silent', '--ignore-scripts', '--pack-destination', workDir],
    {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  tarball = join(workDir, out.trim().split('\n').pop() ?? '');
  const consumer = join(workDir, 'consumer');
  execFileSync('mkdir', ['-p', consumer]);
  writeFileSync(
    join(consumer, 'package.json'),
    '{"name":"consumer","version":"1.0.0","private":true}',
  );
  execFileSync(
    'npm',
    ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund', '--silent'],
    {
      cwd: consumer,
      stdio: 'ignore',
    },
  );
  writeFileSync(join(consumer, 'use.cjs'), `${PROGRAM}\nmain(require('manifest-list-merger'));`);
  writeFileSync(
    join(consumer, 'use.mjs'),
    `${PROGRAM}\nimport * as lib from 'manifest-list-merger';\nawait main(lib);`,
  );
}, 180_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it.each(['use.cjs', 'use.mjs'])('works when loaded by %s', (file) => {
    const out = execFileSync('node', [file], { cwd: join(workDir, 'consumer'), encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({
      missing: [],
      outcome: 'pushed',
      fromSource: ['linux/amd64'],
      fromDestination: ['linux/s390x', 'linux/ppc64le'],
      typedError: true,
    });
  });

  it('ships dist only, with ESM, CJS and both kinds of declarations', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    const files = listing.map((f) => f.replace(/^package\//, ''));
    for (const f of [
      'dist/index.js',
      'dist/index.cjs',
      'dist/index.d.ts',
      'dist/index.d.cts',
      'package.json',
    ]) {
      expect(files).toContain(f);
    }
    expect(
      files.filter((f) => !/^(dist\/|package\.json$|README\.md$|LICENSE$|CHANGELOG\.md$)/.test(f)),
    ).toEqual([]);
  });

  it('installs the manifest-list-merger bin, which runs from the consumer alone', () => {
    const consumer = join(workDir, 'consumer');
    const cli = join(consumer, 'node_modules', '.bin', 'manifest-list-merger');
    // Only the consumer's own node_modules: no dev dependency of this repository is reachable.
    const run = (args: string[]) =>
      execFileSync(cli, args, {
        cwd: consumer,
        encoding: 'utf8',
        env: { PATH: process.env['PATH'], HOME: consumer },
      });
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(run(['--version']).trim()).toBe(pkg.version);
    const help = run(['--help']);
    expect(help).toContain('Usage: manifest-list-merger');
    for (const command of ['merge', 'select', 'bulk']) {
      expect(help).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
  });

  it('passes publint', () => {
    const out = execFileSync(bin('publint'), ['run', '--strict', tarball], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(out).not.toMatch(/error|warning/i);
  });

  it('passes arethetypeswrong for node10, node16 (CJS and ESM) and bundler resolution', () => {
    // Exits non-zero on any problem; the `node10` resolution is allowed to be missing nothing.
    execFileSync(bin('attw'), [tarball, '--format', 'ascii'], { cwd: root, encoding: 'utf8' });
  });
});
