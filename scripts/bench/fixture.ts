// The lists every scenario merges, and small helpers to set tags.
import { HttpRegistryClient } from '../../src/index.js';
import { type PushedList, pushImage, pushList, putManifest } from '../../test/support/images.js';
import type { TestRegistry } from '../../test/support/registry.js';
import { libMerge } from './library.js';

export const REPO = 'bench/app';
export const SRC_PLATFORMS = ['linux/amd64', 'linux/arm64'];
export const DEST_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/ppc64le', 'linux/s390x'];
/** What each contending writer adds (a platform the destination lacks), one per writer. */
export const CONTENDER_PLATFORMS = ['linux/riscv64', 'linux/arm/v7'];

/** Where the registry is reached: directly, or through the emulated network. */
export interface Endpoint {
  key: 'loopback' | 'remote';
  /** For headings: `loopback` or `20 ms RTT`. */
  label: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT` */
  host: string;
  /** `localhost:PORT`: the same registry under another spelling. */
  altHost: string;
  /** Emulated round trip (0 on loopback). */
  rttMs: number;
  /** Requests the proxy forwarded so far (remote only). */
  proxyRequests?: () => Promise<number>;
  /** The proxy process (remote only). */
  proxyPid?: number | undefined;
}

export function loopbackEndpoint(reg: TestRegistry): Endpoint {
  return {
    key: 'loopback',
    label: 'loopback',
    url: reg.url,
    host: reg.host,
    altHost: reg.host.replace('127.0.0.1', 'localhost'),
    rttMs: 0,
  };
}

export interface Fixture {
  /** The destination's starting list (pushed by digest; put to tags with `setTag`). */
  destInit: PushedList;
  /** What the library pushes when merging src-a (resp. src-b) into the other state. */
  bytes: { a: Uint8Array; b: Uint8Array };
  mediaType: string;
  /** Entries of the merged list. */
  entries: number;
  /** Sources of the contending writers (`src-c`, `src-d`): one new platform each. */
  contenders: string[];
}

/** Two buildx-style sources (OCI index, two platforms + attestations) and a 4-platform destination. */
export async function pushFixtureLists(reg: TestRegistry, repo: string): Promise<PushedList> {
  await Promise.all(
    ['src-a', 'src-b'].map((tag) =>
      pushList(reg, repo, tag, { platforms: SRC_PLATFORMS, format: 'oci', attestations: true }),
    ),
  );
  const images = await Promise.all(
    DEST_PLATFORMS.map((platform) => pushImage(reg, repo, { platform, format: 'oci' })),
  );
  return pushList(reg, repo, undefined, { images, format: 'oci' });
}

/** Sets `repo:tag` to exactly these bytes, straight at the registry. */
export async function setTag(
  reg: TestRegistry,
  repo: string,
  tag: string,
  list: { bytes: Uint8Array; mediaType: string },
): Promise<void> {
  const res = await putManifest(reg, repo, tag, Buffer.from(list.bytes), list.mediaType);
  if (res.status !== 201) throw new Error(`cannot set ${repo}:${tag}: HTTP ${res.status}`);
}

/** Runs `fn` over `items`, `n` at a time. */
export async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

export const sameBytes = (x: Uint8Array, y: Uint8Array): boolean =>
  Buffer.from(x).equals(Buffer.from(y));

/** Pushes the lists of `repo`; for REPO, also learns (and checks) what the library pushes. */
export async function pushFixture(reg: TestRegistry, repo: string): Promise<Fixture> {
  const destInit = await pushFixtureLists(reg, repo);
  const contenders = CONTENDER_PLATFORMS.map((_, i) => `src-${String.fromCharCode(99 + i)}`);
  await Promise.all(
    CONTENDER_PLATFORMS.map((platform, i) =>
      pushList(reg, repo, contenders[i], {
        platforms: [platform],
        format: 'oci',
        attestations: true,
      }),
    ),
  );
  // What the library pushes for src-a into (initial | src-b state) and for src-b into src-a
  // state; checked to be stable, so the seed baseline can PUT the same bytes.
  const probe = new HttpRegistryClient();
  await setTag(reg, repo, 'probe', destInit);
  const merge = (src: string) =>
    libMerge({ client: probe, host: reg.host, repo, src, dest: 'probe', expectPushed: true });
  const a1 = await merge('src-a');
  const b1 = await merge('src-b');
  const a2 = await merge('src-a');
  const b2 = await merge('src-b');
  probe.close();
  if (
    !sameBytes(a1.bytes, a2.bytes) ||
    !sameBytes(b1.bytes, b2.bytes) ||
    a1.mediaType !== b1.mediaType
  ) {
    throw new Error('the merge results are not stable; the seed baseline cannot replay them');
  }
  return {
    destInit,
    bytes: { a: a1.bytes, b: b1.bytes },
    mediaType: a1.mediaType,
    entries: a1.manifestList.manifests.length,
    contenders,
  };
}
