// Smoke tests of the test infrastructure itself (test/support/registry.ts, images.ts): the
// shared registries of the global setup in each auth mode and the image pusher on them, a
// basic registry with the given users, and the startup errors.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  basic,
  getManifest,
  listTags,
  MEDIA_TYPES,
  manifestExists,
  mountBlob,
  pushImage,
  pushList,
  putManifest,
} from '../../support/images.js';
import {
  isDockerRegistryInstalled,
  MISSING_REGISTRY_MESSAGE,
  startAnonymousRegistry,
  startBasicRegistry,
  type TestRegistry,
  uniqueRepo,
} from '../../support/registry.js';
import type { RegistryInfo } from '../../support/types.js';

describe('shared registries from the global setup', () => {
  const regs = inject('registries');

  it('provides the three kinds on loopback', () => {
    expect(regs.anonymous.kind).toBe('anonymous');
    expect(regs.basic.kind).toBe('basic');
    expect(regs.token.kind).toBe('token');
    for (const r of [regs.anonymous, regs.basic, regs.token]) {
      expect(r.url).toBe(`http://${r.host}`);
      expect(r.host).toMatch(/^127\.0\.0\.1:\d+$/);
    }
    expect(regs.anonymous.username).toBeUndefined();
    expect(regs.basic.users.alice?.username).toBe('alice');
    expect(regs.basic.users.bob?.username).toBe('bob');
    expect(regs.basic.password).toBe(regs.basic.users.alice?.password);
    expect(regs.token.token?.realm).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/token$/);
  });

  it('anonymous answers /v2/ with 200', async () => {
    const res = await fetch(`${regs.anonymous.url}/v2/`);
    expect(res.status).toBe(200);
  });

  it('basic auth accepts alice and bob, rejects a wrong password', async () => {
    const b = regs.basic;
    const none = await fetch(`${b.url}/v2/`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    for (const u of [b.users.alice!, b.users.bob!]) {
      const ok = await fetch(`${b.url}/v2/`, {
        headers: { authorization: basic(u.username, u.password) },
      });
      expect(ok.status).toBe(200);
    }
    const bad = await fetch(`${b.url}/v2/`, {
      headers: { authorization: basic('alice', 'wrong') },
    });
    expect(bad.status).toBe(401);
  });

  it('token auth challenges with our realm and service', async () => {
    const t = regs.token;
    const res = await fetch(`${t.url}/v2/`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer realm="${t.token!.realm}",service="${t.token!.service}"`,
    );
  });

  it.each(['anonymous', 'basic', 'token'] as const)(
    'pushes and reads back lists on %s',
    async (kind) => {
      const reg: RegistryInfo = regs[kind];
      const repo = uniqueRepo();
      const docker = await pushList(reg, repo, 'docker', {
        platforms: ['linux/amd64', 'linux/arm/v7'],
      });
      expect(docker.mediaType).toBe(MEDIA_TYPES.dockerList);
      expect(docker.entries.map((e) => e.platform)).toEqual([
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm', variant: 'v7' },
      ]);
      const oci = await pushList(reg, repo, 'oci', {
        format: 'oci',
        platforms: ['linux/arm64'],
        attestations: true,
      });
      expect(oci.entries).toHaveLength(2);
      expect(oci.entries[1]).toMatchObject({
        platform: { os: 'unknown', architecture: 'unknown' },
        annotations: {
          'vnd.docker.reference.type': 'attestation-manifest',
          'vnd.docker.reference.digest': oci.images[0]!.digest,
        },
      });
      for (const [tag, pushed] of [
        ['docker', docker],
        ['oci', oci],
      ] as const) {
        const got = await getManifest(reg, repo, tag);
        expect(got.bytes.equals(pushed.bytes)).toBe(true);
        expect(got.digest).toBe(pushed.digest);
        expect(got.headerDigest).toBe(pushed.digest);
        expect(got.contentType).toBe(pushed.mediaType);
      }
      expect((await listTags(reg, repo)).sort()).toEqual(['docker', 'oci']);
      expect(await manifestExists(reg, repo, docker.images[1]!.digest)).toBe(true);
      expect(await manifestExists(reg, repo, 'nope')).toBe(false);
      expect(await listTags(reg, uniqueRepo('absent'))).toEqual([]);
    },
  );

  it('rejects a list whose children are not in the repository (MANIFEST_BLOB_UNKNOWN)', async () => {
    const reg = regs.basic;
    const repo = uniqueRepo();
    const src = await pushList(reg, `${repo}-src`, 'v1', {
      platforms: ['linux/amd64', 'linux/s390x'],
    });
    const res = await putManifest(reg, repo, 'v1', src.bytes, src.mediaType);
    expect(res.status).toBe(400);
    expect(res.errors.map((e) => e.code)).toEqual([
      'MANIFEST_BLOB_UNKNOWN',
      'MANIFEST_BLOB_UNKNOWN',
    ]);
    // Once the children are there (mounted blobs + manifests by digest), it is accepted.
    for (const img of src.images) {
      for (const d of [img.config, ...img.layers]) {
        expect(await mountBlob(reg, repo, src.repo, d.digest)).toBe(201);
      }
      expect((await putManifest(reg, repo, img.digest, img.bytes, img.mediaType)).status).toBe(201);
    }
    const ok = await putManifest(reg, repo, 'v1', src.bytes, src.mediaType);
    expect(ok.status).toBe(201);
    expect(ok.digest).toBe(src.digest);
  });
});

describe('a basic registry of our own', () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await startBasicRegistry({ users: { carol: 'c-password' } });
  });
  afterAll(async () => {
    await reg?.stop();
  });

  it('uses the given users', async () => {
    expect(reg.username).toBe('carol');
    expect(reg.users).toEqual({});
    const ok = await fetch(`${reg.url}/v2/`, {
      headers: { authorization: basic('carol', 'c-password') },
    });
    expect(ok.status).toBe(200);
    const img = await pushImage(reg, uniqueRepo(), { platform: 'linux/ppc64le', format: 'oci' });
    expect(img.mediaType).toBe(MEDIA_TYPES.ociManifest);
  });
});

describe('startup errors', () => {
  async function withPath<T>(dir: string, fn: () => Promise<T>): Promise<T> {
    const saved = process.env['PATH'];
    process.env['PATH'] = dir;
    try {
      return await fn();
    } finally {
      process.env['PATH'] = saved;
    }
  }

  it('says how to install docker-registry when it is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'mlm-empty-path-'));
    try {
      await withPath(empty, async () => {
        expect(isDockerRegistryInstalled()).toBe(false);
        await expect(startAnonymousRegistry()).rejects.toThrow(MISSING_REGISTRY_MESSAGE);
      });
      expect(MISSING_REGISTRY_MESSAGE).toBe(
        "docker-registry is missing: install it with 'apt-get update && apt-get install -y docker-registry' (Debian/Ubuntu)",
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('surfaces the output of a registry that dies at startup', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlm-fake-registry-'));
    try {
      const fake = join(dir, 'docker-registry');
      await writeFile(fake, '#!/bin/sh\necho "configuration error: boom" >&2\nexit 3\n', {
        mode: 0o755,
      });
      await withPath(`${dir}${delimiter}${process.env['PATH']}`, async () => {
        await expect(startBasicRegistry()).rejects.toThrow(
          /exited \(code 3\)[\s\S]*configuration error: boom/,
        );
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
