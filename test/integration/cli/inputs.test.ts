// The command over real registries with what pipelines hand over (single images, lists with
// a repeated platform, missing tags, selects that select nothing), and the frictions of
// issue 11: what stdout, stderr and the error lines say.
import { describe, expect, inject, it } from 'vitest';
import { lines, runInProcess } from '../../support/cli.js';
import { getManifest, listTags, pushImage, pushList } from '../../support/images.js';
import { uniqueRepo } from '../../support/registry.js';

const regs = inject('registries');
const reg = regs.anonymous;
const ref = (repo: string, tag: string) => `${reg.host}/${repo}:${tag}`;
/** `COMMAND --src REPO:SRC --dest REPO:DEST ...more`. */
const argv = (command: string, repo: string, src: string, dest: string, ...more: string[]) => [
  command,
  '--src',
  ref(repo, src),
  '--dest',
  ref(repo, dest),
  ...more,
];

function platformsOf(bytes: Buffer): string[] {
  const list = JSON.parse(bytes.toString('utf8')) as {
    manifests: { platform?: { os: string; architecture: string; variant?: string } }[];
  };
  return list.manifests.map((m) =>
    [m.platform?.os, m.platform?.architecture, m.platform?.variant].filter(Boolean).join('/'),
  );
}

describe('single images', () => {
  it('merge takes a single v2s2 image as the source, its platform from its config', async () => {
    const repo = uniqueRepo('cli-in');
    await pushImage(reg, repo, { platform: 'linux/arm64', tag: 'arm64' });
    await pushList(reg, repo, '1.2', { platforms: ['linux/amd64'] });
    const run = await runInProcess(argv('merge', repo, 'arm64', '1.2'));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\+ added\s+linux\/arm64/);
    expect(platformsOf((await getManifest(reg, repo, '1.2')).bytes)).toEqual([
      'linux/arm64',
      'linux/amd64',
    ]);
  });

  it('--platform names the platform of a single image whose config names none', async () => {
    const repo = uniqueRepo('cli-in');
    await pushImage(reg, repo, {
      platform: 'linux/s390x',
      tag: 'build',
      configWithoutPlatform: true,
    });
    const args = argv('select', repo, 'build', '1.2', '--arch', 's390x', '--push');
    const refused = await runInProcess(args);
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr)).toHaveLength(1);
    expect(refused.stderr).toMatch(/\[UNKNOWN_PLATFORM\]; pass --platform OS\/ARCH\[\/VARIANT\]/);
    const run = await runInProcess([...args, '--platform', 'linux/s390x']);
    expect(run.code).toBe(0);
    expect(platformsOf((await getManifest(reg, repo, '1.2')).bytes)).toEqual(['linux/s390x']);
  });

  it('a malformed --platform is a usage error', async () => {
    const repo = uniqueRepo('cli-in');
    const run = await runInProcess(argv('merge', repo, 'a', 'b', '--platform', 'arm64'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /Option 'platform' .*expected os\/arch or os\/arch\/variant \(linux\/arm64\) \[INVALID_OPTION\]/,
    );
  });

  it('gives a Docker -> OCI conversion of the destination a line of its own', async () => {
    const repo = uniqueRepo('cli-in');
    await pushImage(reg, repo, { platform: 'linux/arm64', format: 'oci', tag: 'arm64' });
    await pushList(reg, repo, '1.2', { platforms: ['linux/amd64'], format: 'docker' });
    const run = await runInProcess(argv('merge', repo, 'arm64', '1.2'));
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toContain('  media type: Docker manifest list -> OCI image index');
    const json = await runInProcess(argv('merge', repo, 'arm64', '1.2', '--json'));
    expect(JSON.parse(json.stdout)).toMatchObject({
      outcome: 'unchanged',
      destinationMediaType: 'application/vnd.oci.image.index.v1+json',
      warnings: [],
    });
    expect(json.stdout).not.toContain('media type:');
  });
});

describe('duplicate platforms', () => {
  it('repairs a destination that names a platform twice, with a warning on stderr', async () => {
    const repo = uniqueRepo('cli-dup');
    const broken = await pushList(reg, repo, '1.2', { platforms: ['linux/amd64', 'linux/amd64'] });
    await pushList(reg, repo, 'arm64', { platforms: ['linux/arm64'] });
    const run = await runInProcess(argv('merge', repo, 'arm64', '1.2'));
    expect(run.code).toBe(0);
    expect(lines(run.stderr)).toEqual([
      `manifest-list-merger: warning: The destination '${ref(repo, '1.2')}' had duplicate platforms: linux/amd64 (2 entries); kept the first entry of each, the one a runtime picks, and removed the others`,
    ]);
    expect(run.stdout).toMatch(/- removed\s+linux\/amd64\s+sha256:/);
    const after = await getManifest(reg, repo, '1.2');
    expect(platformsOf(after.bytes)).toEqual(['linux/arm64', 'linux/amd64']);
    expect(after.bytes.toString()).toContain(broken.entries[0]?.digest);
  });

  it('refuses a source that names a platform twice, naming the flag (no "must name a list")', async () => {
    const repo = uniqueRepo('cli-dup');
    await pushList(reg, repo, 'next', { platforms: ['linux/amd64', 'linux/arm64', 'linux/amd64'] });
    const args = argv('merge', repo, 'next', '1.2', '--create');
    const refused = await runInProcess(args);
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr)).toEqual([
      `manifest-list-merger: error: The source image '${ref(repo, 'next')}' lists a platform more than once: linux/amd64 (manifests[0], manifests[2]); a runtime takes the first of each [DUPLICATE_PLATFORM]; pass --collapse-source-duplicates to take the first entry of each platform (the one a runtime picks), or rebuild the source list`,
    ]);
    expect(refused.stderr).not.toMatch(/must name a manifest list/);
    const run = await runInProcess([...args, '--collapse-source-duplicates', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).warnings).toEqual([
      expect.stringContaining('lists a platform more than once: linux/amd64 (2 entries)'),
    ]);
    expect(platformsOf((await getManifest(reg, repo, '1.2')).bytes)).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
  });
});

describe('merge --create', () => {
  it("creates a missing destination with the source's entries; without it, the hint names it", async () => {
    const repo = uniqueRepo('cli-create');
    const src = await pushList(reg, repo, 'next', { platforms: ['linux/amd64', 'linux/arm64'] });
    const args = argv('merge', repo, 'next', '1.0');
    const refused = await runInProcess(args);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(
      /\[DESTINATION_NOT_FOUND\]; 'merge' needs an existing destination: pass --create/,
    );
    expect(await listTags(reg, repo)).toEqual(['next']);
    const run = await runInProcess([...args, '--create']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\+ added\s+linux\/amd64/);
    expect((await getManifest(reg, repo, '1.0')).digest).toBe(src.digest);
  });

  it('is not a flag of select (which always creates)', async () => {
    const run = await runInProcess([
      'select',
      '--src',
      'a',
      '--dest',
      'b',
      '--arch',
      'x',
      '--create',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--create'");
  });
});

describe('a select that selects nothing', () => {
  it.each(['s390x', 'amd46'])(
    '--arch %s on a source without it is refused and pushes nothing',
    async (arch) => {
      const repo = uniqueRepo('cli-empty');
      await pushList(reg, repo, 'next', { platforms: ['linux/amd64', 'linux/arm64'] });
      const run = await runInProcess(argv('select', repo, 'next', '1.0', '--arch', arch, '--push'));
      expect(run.code).toBe(2);
      expect(lines(run.stderr)).toEqual([
        `manifest-list-merger: error: None of the architectures ${arch} is in the source image '${ref(repo, 'next')}' (it has linux/amd64, linux/arm64): the list would be empty [NOTHING_SELECTED]; check --arch against the platforms the source has (or the --src reference); --allow-empty accepts a select that takes nothing`,
      ]);
      expect(run.stdout).toBe('');
      expect(await listTags(reg, repo)).toEqual(['next']);
    },
  );

  it('pushes the empty list with --allow-empty, with a warning', async () => {
    const repo = uniqueRepo('cli-empty');
    await pushList(reg, repo, 'next', { platforms: ['linux/amd64'] });
    const run = await runInProcess(
      argv('select', repo, 'next', '1.0', '--arch', 's390x', '--push', '--allow-empty'),
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /^manifest-list-merger: warning: Architecture 's390x' is not in the source/,
    );
    expect(run.stdout).toContain('(empty list)');
    expect(platformsOf((await getManifest(reg, repo, '1.0')).bytes)).toEqual([]);
  });

  it('warns on stderr (and in --json) about an architecture the source lacks among others', async () => {
    const repo = uniqueRepo('cli-empty');
    await pushList(reg, repo, 'next', { platforms: ['linux/amd64', 'linux/arm64'] });
    const args = argv('select', repo, 'next', '1.0', '--arch', 'amd64,s390x');
    const run = await runInProcess(args);
    expect(run.code).toBe(0);
    const warning = `Architecture 's390x' is not in the source '${ref(repo, 'next')}' (it has linux/amd64, linux/arm64)`;
    expect(lines(run.stderr)).toEqual([`manifest-list-merger: warning: ${warning}`]);
    const json = await runInProcess([...args, '--json']);
    expect(JSON.parse(json.stdout).warnings).toEqual([warning]);
    const quiet = await runInProcess([...args, '--quiet']);
    expect(quiet.stderr).toContain(warning);
  });
});

describe('frictions', () => {
  it('select --push prints no list on stdout, pushed or unchanged', async () => {
    const repo = uniqueRepo('cli-fr');
    await pushList(reg, repo, 'next', { platforms: ['linux/amd64'] });
    const args = argv('select', repo, 'next', '1.0', '--arch', 'amd64', '--push');
    const pushed = await runInProcess(args);
    const unchanged = await runInProcess(args);
    expect(pushed.stdout).toMatch(/^Pushed /m);
    expect(unchanged.stdout).toMatch(/^Unchanged: /m);
    for (const run of [pushed, unchanged]) expect(run.stdout).not.toContain('"manifests"');
    const printed = await runInProcess(args.slice(0, -1));
    expect(printed.stdout).toContain('"manifests"');
  });

  it('the MISSING_CHILDREN line names the flag before the library option', async () => {
    const repo = uniqueRepo('cli-fr');
    const other = uniqueRepo('cli-fr');
    await pushList(reg, repo, 'next', { platforms: ['linux/amd64'] });
    await pushList(reg, other, '1.0', { platforms: ['linux/s390x'] });
    const run = await runInProcess([
      'merge',
      '--src',
      ref(repo, 'next'),
      '--dest',
      ref(other, '1.0'),
      '--no-copy-children',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /lacks 1 manifest\(s\) the new list names \(sha256:\w+\) \[MISSING_CHILDREN\]; drop --no-copy-children \(copyChildren: false in the library\)/,
    );
    expect(run.stderr.indexOf('--no-copy-children')).toBeLessThan(
      run.stderr.indexOf('copyChildren'),
    );
  });

  it('a destination with a tag and a digest suggests the tag written', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const run = await runInProcess([
      'merge',
      '--src',
      `${reg.host}/x/app:new`,
      '--dest',
      `${reg.host}/x/app:s1@${digest}`,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`e.g. ${reg.host}/x/app:s1;`);
  });

  it('-v logs each request with the status that answered it', async () => {
    const basic = regs.basic;
    const repo = uniqueRepo('cli-fr');
    await pushList(basic, repo, 'next', { platforms: ['linux/amd64'] });
    const run = await runInProcess(
      [
        'select',
        '-v',
        '--src',
        `${basic.host}/${repo}:next`,
        '--dest',
        `${basic.host}/${repo}:1.0`,
        '--arch',
        'amd64',
        '--src-username',
        String(basic.username),
        '--dest-username',
        String(basic.username),
      ],
      {
        env: {
          MLM_SRC_PASSWORD: String(basic.password),
          MLM_DEST_PASSWORD: String(basic.password),
        },
      },
    );
    expect(run.code).toBe(0);
    const requests = lines(run.stderr).filter((l) => l.includes('(registry, attempt'));
    expect(
      requests.some((l) => /GET \S+\/manifests\/next \(registry, attempt 1\): 200$/.test(l)),
    ).toBe(true);
    expect(requests.some((l) => /\/manifests\/1\.0 \(registry, attempt 1\): 404$/.test(l))).toBe(
      true,
    );
    // The challenge and the authenticated request are two lines that say which is which.
    expect(requests.some((l) => /\(registry, attempt 1\): 401$/.test(l))).toBe(true);
    expect(requests.every((l) => /: (\d{3}|E[A-Z_]+)$/.test(l))).toBe(true);
  });
});
