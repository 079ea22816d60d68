// The CLI and referrers against a real registry: the built CLI copies signed images with
// their SBOMs and signatures and says so; the stale-signature line; --no-referrers,
// --referrer-type, --referrer-depth; a referrer missing a blob.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureCliBuilt, lines, runInProcess, runSpawned } from '../../support/cli.js';
import {
  deleteBlob,
  digestTag,
  listTags,
  manifestExists,
  type PushedImage,
  pushCosignSignature,
  pushImage,
  pushList,
  pushReferrer,
} from '../../support/images.js';
import { uniqueRepo } from '../../support/registry.js';

const reg = inject('registries').anonymous;

beforeAll(async () => {
  await ensureCliBuilt();
});

/** A build repository of two signed OCI images (an SBOM and a `.sig` each) and a release tag. */
async function signedBuild() {
  const build = uniqueRepo('build');
  const release = uniqueRepo('release');
  const images: PushedImage[] = [];
  for (const platform of ['linux/amd64', 'linux/arm64']) {
    images.push(await pushImage(reg, build, { platform, format: 'oci' }));
  }
  const sboms = [];
  const sigs = [];
  for (const img of images) {
    sboms.push(await pushReferrer(reg, build, img.descriptor));
    sigs.push(await pushCosignSignature(reg, build, img.descriptor));
  }
  await pushList(reg, build, 'v1', { images, format: 'oci' });
  const old = await pushList(reg, release, 'v1', { platforms: ['linux/s390x'], format: 'oci' });
  const args = ['merge', '--src', `${reg.host}/${build}:v1`, '--dest', `${reg.host}/${release}:v1`];
  return { build, release, images, sboms, sigs, old, args };
}

const STALE =
  /the old list (sha256:[0-9a-f]{64}) had (\d+) signatures or attestations; the new list (sha256:[0-9a-f]{64}) (has|would have) none: sign it/;

describe('referrers from the CLI', () => {
  it('the built CLI copies each SBOM and signature and counts them in its summary and --json', async () => {
    const t = await signedBuild();
    const run = await runSpawned(t.args);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      '  copied 4 referrer(s) (signatures, attestations, SBOMs) into the destination repository; wrote 4 tag(s)',
    );
    for (const d of [...t.sboms, ...t.sigs])
      expect(await manifestExists(reg, t.release, d.digest)).toBe(true);
    const tags = await listTags(reg, t.release);
    for (const img of t.images) expect(tags).toContain(digestTag(img.digest));

    // --json carries the same report.
    const again = await signedBuild();
    const json = await runInProcess([...again.args, '--json']);
    const out = JSON.parse(json.stdout) as { referrers: { manifests: unknown[]; tags: string[] } };
    expect(out.referrers.manifests).toHaveLength(4);
    expect(out.referrers.tags).toHaveLength(4);
  });

  it('prints one line for the old list’s signatures on a changed merge, none on an unchanged one', async () => {
    const t = await signedBuild();
    await pushCosignSignature(reg, t.release, t.old.descriptor);
    await pushReferrer(reg, t.release, t.old.descriptor, {
      artifactType: 'application/vnd.in-toto+json',
    });

    const dry = await runInProcess([...t.args, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    const dryLines = lines(dry.stderr).filter((l) => STALE.test(l));
    expect(dryLines).toHaveLength(1);
    expect(STALE.exec(dryLines[0] ?? '')?.slice(1)).toEqual([
      t.old.digest,
      '2',
      expect.stringMatching(/^sha256:/),
      'would have',
    ]);

    const run = await runInProcess(t.args);
    expect(run.code, run.stderr).toBe(0);
    const line = lines(run.stderr).filter((l) => STALE.test(l));
    expect(line).toHaveLength(1);
    const [, oldDigest, n, newDigest, has] = STALE.exec(line[0] ?? '') ?? [];
    expect([oldDigest, n, has]).toEqual([t.old.digest, '2', 'has']);
    expect(line[0]).toBe(
      `manifest-list-merger: warning: the old list ${t.old.digest} had 2 signatures or attestations; the new list ${newDigest} has none: sign it`,
    );
    expect(run.stdout).toContain(`Pushed ${newDigest}`);

    const unchanged = await runInProcess(t.args);
    expect(unchanged.stdout).toMatch(/Unchanged/);
    expect(unchanged.stderr).not.toMatch(STALE);
  });

  it('bulk prints the line per job, and applies --referrer-type to every job', async () => {
    const t = await signedBuild();
    await pushCosignSignature(reg, t.release, t.old.descriptor);
    const jobs = `${t.args[2]} ${t.args[4]}\n`;
    const run = await runInProcess(['bulk', '-', '--referrer-type', 'application/spdx+json'], {
      stdin: jobs,
    });
    expect(run.code, run.stderr).toBe(0);
    const line = lines(run.stderr).filter((l) => STALE.test(l));
    expect(line).toHaveLength(1);
    expect(line[0]).toMatch(/^manifest-list-merger: warning: job 1: the old list /);
    for (const d of t.sboms) expect(await manifestExists(reg, t.release, d.digest)).toBe(true);
    for (const d of t.sigs) expect(await manifestExists(reg, t.release, d.digest)).toBe(false);
  });

  it('--no-referrers copies none and reports none', async () => {
    const t = await signedBuild();
    await pushCosignSignature(reg, t.release, t.old.descriptor);
    const run = await runInProcess([...t.args, '--no-referrers', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(out['referrers']).toBeUndefined();
    expect(out['staleSignatures']).toBeUndefined();
    expect(run.stderr).not.toMatch(STALE);
    for (const d of [...t.sboms, ...t.sigs])
      expect(await manifestExists(reg, t.release, d.digest)).toBe(false);
  });

  it('--referrer-type copies only that type', async () => {
    const t = await signedBuild();
    const run = await runInProcess([...t.args, '--referrer-type', 'application/spdx+json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('copied 2 referrer(s)');
    for (const d of t.sboms) expect(await manifestExists(reg, t.release, d.digest)).toBe(true);
    for (const d of t.sigs) expect(await manifestExists(reg, t.release, d.digest)).toBe(false);
  });

  it('--referrer-depth 1 leaves a signature on an SBOM behind, and says so', async () => {
    const t = await signedBuild();
    const sigOnSbom = await pushCosignSignature(reg, t.build, t.sboms[0]!.descriptor);
    const run = await runInProcess([...t.args, '--referrer-depth', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `  1 referrer(s) nested deeper than 1 level(s) were not copied (--referrer-depth): ${sigOnSbom.digest}`,
    );
    expect(await manifestExists(reg, t.release, sigOnSbom.digest)).toBe(false);
  });

  it('--no-referrers with --referrer-type is a usage error', async () => {
    const t = await signedBuild();
    const run = await runInProcess([...t.args, '--no-referrers', '--referrer-type', 'x/y']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--no-referrers copies no referrers/);
  });

  it('a referrer whose blob is missing: exit 1, the error names it, the tag is unchanged', async () => {
    const t = await signedBuild();
    const sbom = t.sboms[1]!;
    expect(await deleteBlob(reg, t.build, sbom.layer.digest)).toBe(202);
    const run = await runInProcess(t.args);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Referrer ${sbom.digest} of ${t.images[1]?.digest}`);
    expect(run.stderr).toContain(sbom.layer.digest);
    expect(run.stderr).toContain('--no-referrers');
    expect(await listTags(reg, t.release)).toEqual(['v1']);
  });

  it('push FILE --src copies the children with their referrers and names the replaced list’s signatures', async () => {
    const t = await signedBuild();
    await pushCosignSignature(reg, t.release, t.old.descriptor);
    const dir = mkdtempSync(join(tmpdir(), 'mlm-push-referrers-'));
    try {
      const file = join(dir, 'list.json');
      const select = [
        'select',
        '--src',
        `${reg.host}/${t.build}:v1`,
        '--dest',
        `${reg.host}/${t.release}:v1`,
        '--arch',
        'amd64',
        '--arch',
        'arm64',
        '--output',
        file,
      ];
      expect((await runInProcess(select)).code).toBe(0);
      const run = await runInProcess([
        'push',
        file,
        '--src',
        `${reg.host}/${t.build}:v1`,
        '--dest',
        `${reg.host}/${t.release}:v1`,
      ]);
      expect(run.code, run.stderr).toBe(0);
      for (const d of [...t.sboms, ...t.sigs])
        expect(await manifestExists(reg, t.release, d.digest)).toBe(true);
      const stale = lines(run.stderr).filter((l) => STALE.test(l));
      expect(STALE.exec(stale[0] ?? '')?.slice(1, 3)).toEqual([t.old.digest, '1']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
