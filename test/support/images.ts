// Pushes real content to a test registry with Node's own fetch (never the library's client):
// blobs, configs, per-arch image manifests (Docker v2 / OCI), lists and indexes, attestations.
import { createHash, randomBytes } from 'node:crypto';
import type { Credentials, RegistryTarget } from './types.js';

export type { RegistryTarget } from './types.js';

export const MEDIA_TYPES = {
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  inToto: 'application/vnd.in-toto+json',
} as const;

const ACCEPT_ALL = [
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerManifest,
  MEDIA_TYPES.ociManifest,
].join(', ');

export type ManifestFormat = 'docker' | 'oci';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
  features?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  artifactType?: string;
}

export interface PushedManifest {
  repo: string;
  digest: string;
  mediaType: string;
  /** The exact bytes pushed. */
  bytes: Buffer;
  json: unknown;
  /** `{ mediaType, digest, size }` (+ platform for images, + annotations for attestations). */
  descriptor: Descriptor;
}

export interface PushedImage extends PushedManifest {
  platform: Platform;
  config: Descriptor;
  layers: Descriptor[];
}

export interface PushedList extends PushedManifest {
  images: PushedImage[];
  attestations: PushedManifest[];
  entries: Descriptor[];
}

export interface RegistryErrorItem {
  code: string;
  message: string;
  detail?: unknown;
}

export function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function parsePlatform(s: string | Platform): Platform {
  if (typeof s !== 'string') return s;
  const [os, architecture, variant] = s.split('/');
  if (!os || !architecture) throw new Error(`bad platform ${JSON.stringify(s)}`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function asUser(t: RegistryTarget, c: Credentials): RegistryTarget {
  return { url: t.url, username: c.username, password: c.password };
}

export function anonymous(t: RegistryTarget): RegistryTarget {
  return { url: t.url };
}

// ---------------------------------------------------------------------------------------
// A tiny authenticating fetch: Basic or Bearer, tokens cached per target + scope.

const tokenCache = new Map<string, string>();

function cacheKey(t: RegistryTarget, scopes: string[]): string {
  return `${t.url}|${t.username ?? ''}|${sha256(t.password ?? '')}|${scopes.join(' ')}`;
}

/** Forget every token the pusher cached (its tokens are reused across calls otherwise). */
export function clearTokenCache(): void {
  tokenCache.clear();
}

function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const m = /^(\w+)\s*(.*)$/s.exec(header.trim());
  const scheme = (m?.[1] ?? '').toLowerCase();
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  for (const p of (m?.[2] ?? '').matchAll(re)) {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '');
  }
  return { scheme, params };
}

/** The Basic `Authorization` value for `user:pass`. */
export function basic(user: string, pass: string): string {
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

function basicHeader(t: RegistryTarget): string | undefined {
  if (t.username === undefined) return undefined;
  return basic(t.username, t.password ?? '');
}

async function fetchToken(
  t: RegistryTarget,
  params: Record<string, string>,
  scopes: string[],
): Promise<string> {
  const key = cacheKey(t, scopes);
  const cached = tokenCache.get(key);
  if (cached) return cached;
  const realm = new URL(params['realm'] ?? '');
  if (params['service']) realm.searchParams.set('service', params['service']);
  for (const scope of scopes) realm.searchParams.append('scope', scope);
  const basic = basicHeader(t);
  const res = await fetch(realm, { headers: basic ? { authorization: basic } : {} });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`token request failed: ${res.status}`);
  const body = JSON.parse(text) as { token?: string; access_token?: string };
  const token = body.token ?? body.access_token;
  if (!token) throw new Error('token response without a token');
  tokenCache.set(key, token);
  return token;
}

function scopeFor(path: string, method: string): string | undefined {
  const m = /^\/v2\/(.+?)\/(manifests|blobs|tags)\//.exec(path);
  if (!m) return undefined;
  return method === 'GET' || method === 'HEAD'
    ? `repository:${m[1]}:pull`
    : `repository:${m[1]}:pull,push`;
}

/** fetch against a registry path (`/v2/...`) or absolute URL, authenticating as `t`. */
export async function registryFetch(
  t: RegistryTarget,
  pathOrUrl: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
    /** Token scopes to ask for; default from the path and method. */
    scopes?: string[];
  } = {},
): Promise<Response> {
  const url = new URL(pathOrUrl, t.url);
  const method = init.method ?? 'GET';
  const scopes = init.scopes ?? [scopeFor(url.pathname, method) ?? 'registry:catalog:*'];
  const send = (authorization?: string): Promise<Response> =>
    fetch(url, {
      method,
      headers: { ...init.headers, ...(authorization ? { authorization } : {}) },
      ...(init.body !== undefined ? { body: init.body } : {}),
      redirect: 'manual',
    });
  const cachedKey = cacheKey(t, scopes);
  const cached = tokenCache.get(cachedKey);
  let res = await send(cached ? `Bearer ${cached}` : basicHeader(t));
  if (res.status !== 401) return res;
  const challenge = res.headers.get('www-authenticate');
  if (!challenge) return res;
  const { scheme, params } = parseChallenge(challenge);
  if (scheme === 'bearer') {
    await res.arrayBuffer();
    tokenCache.delete(cachedKey);
    const token = await fetchToken(t, params, scopes);
    res = await send(`Bearer ${token}`);
  }
  return res;
}

async function expectStatus(res: Response, ok: number[], what: string): Promise<Buffer> {
  const body = Buffer.from(await res.arrayBuffer());
  if (!ok.includes(res.status)) {
    throw new Error(`${what}: HTTP ${res.status} ${body.toString('utf8').slice(0, 500)}`);
  }
  return body;
}

// ---------------------------------------------------------------------------------------
// Blobs

/** Pushes a blob (64 random bytes by default); skipped when already present. */
export async function pushBlob(
  t: RegistryTarget,
  repo: string,
  bytes: Buffer = randomBytes(64),
  mediaType = 'application/octet-stream',
): Promise<Descriptor> {
  return uploadBlob(t, repo, bytes, mediaType, true);
}

async function uploadBlob(
  t: RegistryTarget,
  repo: string,
  bytes: Buffer,
  mediaType: string,
  checkFirst: boolean,
): Promise<Descriptor> {
  const digest = sha256(bytes);
  let present = false;
  if (checkFirst) {
    const head = await registryFetch(t, `/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
    await head.arrayBuffer();
    present = head.status === 200;
  }
  if (!present) {
    const start = await registryFetch(t, `/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    await expectStatus(start, [202], `start upload to ${repo}`);
    const location = start.headers.get('location');
    if (!location) throw new Error('upload without Location');
    const put = new URL(location, t.url);
    put.searchParams.set('digest', digest);
    const done = await registryFetch(t, put.toString(), {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    await expectStatus(done, [201], `finish upload to ${repo}`);
  }
  return { mediaType, digest, size: bytes.length };
}

/** Cross-repository mount; returns 201 (mounted) or 202 (refused; the upload is cancelled). */
export async function mountBlob(
  t: RegistryTarget,
  repo: string,
  from: string,
  digest: string,
): Promise<number> {
  const res = await registryFetch(
    t,
    `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
    { method: 'POST', scopes: [`repository:${repo}:pull,push`, `repository:${from}:pull`] },
  );
  await res.arrayBuffer();
  if (res.status === 202) {
    const location = res.headers.get('location');
    if (location) {
      const del = await registryFetch(t, new URL(location, t.url).toString(), { method: 'DELETE' });
      await del.arrayBuffer();
    }
  }
  return res.status;
}

// ---------------------------------------------------------------------------------------
// Manifests

export async function putManifest(
  t: RegistryTarget,
  repo: string,
  ref: string,
  bytes: Buffer | string,
  mediaType: string,
): Promise<{ status: number; digest?: string; body: string; errors: RegistryErrorItem[] }> {
  const res = await registryFetch(t, `/v2/${repo}/manifests/${ref}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType },
    body: Buffer.from(bytes),
  });
  const body = await res.text();
  let errors: RegistryErrorItem[] = [];
  try {
    errors = (JSON.parse(body) as { errors?: RegistryErrorItem[] }).errors ?? [];
  } catch {
    // not JSON
  }
  const digest = res.headers.get('docker-content-digest') ?? undefined;
  return { status: res.status, body, errors, ...(digest ? { digest } : {}) };
}

async function putManifestOk(
  t: RegistryTarget,
  repo: string,
  ref: string,
  bytes: Buffer,
  mediaType: string,
): Promise<string> {
  const digest = sha256(bytes);
  const res = await putManifest(t, repo, ref, bytes, mediaType);
  if (res.status !== 201) {
    throw new Error(`PUT manifest ${repo}:${ref}: HTTP ${res.status} ${res.body.slice(0, 500)}`);
  }
  if (res.digest && res.digest !== digest) {
    throw new Error(`registry digest ${res.digest} != ${digest}`);
  }
  return digest;
}

export async function getManifest(
  t: RegistryTarget,
  repo: string,
  ref: string,
): Promise<{
  status: number;
  bytes: Buffer;
  digest: string;
  headerDigest?: string;
  contentType: string;
}> {
  const res = await registryFetch(t, `/v2/${repo}/manifests/${ref}`, {
    headers: { accept: ACCEPT_ALL },
  });
  const bytes = await expectStatus(res, [200], `GET manifest ${repo}:${ref}`);
  const headerDigest = res.headers.get('docker-content-digest') ?? undefined;
  return {
    status: res.status,
    bytes,
    digest: sha256(bytes),
    contentType: (res.headers.get('content-type') ?? '').split(';')[0]!.trim(),
    ...(headerDigest ? { headerDigest } : {}),
  };
}

export async function manifestExists(
  t: RegistryTarget,
  repo: string,
  ref: string,
): Promise<boolean> {
  const res = await registryFetch(t, `/v2/${repo}/manifests/${ref}`, {
    method: 'HEAD',
    headers: { accept: ACCEPT_ALL },
  });
  await res.arrayBuffer();
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw new Error(`HEAD manifest ${repo}:${ref}: HTTP ${res.status}`);
}

export async function deleteManifest(
  t: RegistryTarget,
  repo: string,
  digest: string,
): Promise<number> {
  const res = await registryFetch(t, `/v2/${repo}/manifests/${digest}`, { method: 'DELETE' });
  await res.arrayBuffer();
  return res.status;
}

export async function listTags(t: RegistryTarget, repo: string): Promise<string[]> {
  const res = await registryFetch(t, `/v2/${repo}/tags/list`);
  const body = await res.text();
  if (res.status === 404) return [];
  if (res.status !== 200)
    throw new Error(`tags of ${repo}: HTTP ${res.status} ${body.slice(0, 300)}`);
  return (JSON.parse(body) as { tags?: string[] | null }).tags ?? [];
}

/** The platforms of a list's entries (its bytes), as `os/architecture` (variants left out). */
export function platformsOf(bytes: Buffer): string[] {
  const list = JSON.parse(bytes.toString('utf8')) as {
    manifests: { platform?: { os: string; architecture: string } }[];
  };
  return list.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`);
}

/** What `repo:tag` holds: its digest and the architectures of its entries (without a platform: the digest). */
export async function listAt(
  t: RegistryTarget,
  repo: string,
  tag: string,
): Promise<{ digest: string; archs: string[] }> {
  const got = await getManifest(t, repo, tag);
  const { manifests } = JSON.parse(got.bytes.toString('utf8')) as { manifests: Descriptor[] };
  return { digest: got.digest, archs: manifests.map((m) => m.platform?.architecture ?? m.digest) };
}

/** The architectures of the entries `repo:tag` holds (an entry without a platform: its digest). */
export async function archsAt(t: RegistryTarget, repo: string, tag: string): Promise<string[]> {
  return (await listAt(t, repo, tag)).archs;
}

function toBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, null, 2));
}

export async function pushImage(
  t: RegistryTarget,
  repo: string,
  opts: {
    platform: string | Platform;
    format?: ManifestFormat;
    layers?: number;
    tag?: string;
    annotations?: Record<string, string>;
    /** The config names no os, architecture or variant (as some tools leave it). */
    configWithoutPlatform?: boolean;
  },
): Promise<PushedImage> {
  const format = opts.format ?? 'docker';
  const platform = parsePlatform(opts.platform);
  const layerType = format === 'docker' ? MEDIA_TYPES.dockerLayer : MEDIA_TYPES.ociLayer;
  const layers = await Promise.all(
    Array.from({ length: opts.layers ?? 1 }, () =>
      uploadBlob(t, repo, randomBytes(64 + Math.floor(Math.random() * 64)), layerType, false),
    ),
  );
  const configJson = {
    ...(opts.configWithoutPlatform
      ? {}
      : {
          architecture: platform.architecture,
          os: platform.os,
          ...(platform.variant ? { variant: platform.variant } : {}),
          ...(platform['os.version'] ? { 'os.version': platform['os.version'] } : {}),
        }),
    created: new Date().toISOString(),
    config: { Labels: { 'test.nonce': randomBytes(6).toString('hex') } },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
  };
  const config = await uploadBlob(
    t,
    repo,
    toBytes(configJson),
    format === 'docker' ? MEDIA_TYPES.dockerConfig : MEDIA_TYPES.ociConfig,
    false,
  );
  const mediaType = format === 'docker' ? MEDIA_TYPES.dockerManifest : MEDIA_TYPES.ociManifest;
  const json = {
    schemaVersion: 2,
    mediaType,
    config,
    layers,
    ...(opts.annotations && format === 'oci' ? { annotations: opts.annotations } : {}),
  };
  const bytes = toBytes(json);
  const digest = await putManifestOk(t, repo, opts.tag ?? sha256(bytes), bytes, mediaType);
  return {
    repo,
    digest,
    mediaType,
    bytes,
    json,
    platform,
    config,
    layers,
    descriptor: { mediaType, digest, size: bytes.length, platform },
  };
}

/** A buildx-style attestation manifest for `image`, with its `unknown/unknown` list entry. */
export async function pushAttestation(
  t: RegistryTarget,
  repo: string,
  image: PushedImage,
): Promise<PushedManifest> {
  const statement = toBytes({
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subject: [{ name: repo, digest: { sha256: image.digest.slice(7) } }],
    predicate: { nonce: randomBytes(6).toString('hex') },
  });
  const layer = await pushBlob(t, repo, statement, MEDIA_TYPES.inToto);
  const config = await pushBlob(
    t,
    repo,
    toBytes({
      architecture: 'unknown',
      os: 'unknown',
      config: {},
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    }),
    MEDIA_TYPES.ociConfig,
  );
  const mediaType = MEDIA_TYPES.ociManifest;
  const json = {
    schemaVersion: 2,
    mediaType,
    config,
    layers: [
      {
        ...layer,
        annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' },
      },
    ],
  };
  const bytes = toBytes(json);
  const digest = await putManifestOk(t, repo, sha256(bytes), bytes, mediaType);
  return {
    repo,
    digest,
    mediaType,
    bytes,
    json,
    descriptor: {
      mediaType,
      digest,
      size: bytes.length,
      annotations: {
        'vnd.docker.reference.digest': image.digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      },
      platform: { architecture: 'unknown', os: 'unknown' },
    },
  };
}

/**
 * Pushes images for `platforms` (after reusing `images`), optional attestations, and the list
 * itself (to `tag`, or by digest only when `tag` is undefined).
 */
export async function pushList(
  t: RegistryTarget,
  repo: string,
  tag: string | undefined,
  opts: {
    platforms?: (string | Platform)[];
    images?: PushedImage[];
    format?: ManifestFormat;
    attestations?: boolean;
    extraEntries?: Descriptor[];
    annotations?: Record<string, string>;
  },
): Promise<PushedList> {
  const format = opts.format ?? 'docker';
  if (format === 'docker' && (opts.attestations || opts.annotations)) {
    throw new Error(
      'a Docker manifest list cannot carry attestations or annotations: use format "oci"',
    );
  }
  const fresh = await Promise.all(
    (opts.platforms ?? []).map((platform) => pushImage(t, repo, { platform, format })),
  );
  const images = [...(opts.images ?? []), ...fresh];
  const attestations = opts.attestations
    ? await Promise.all(images.map((img) => pushAttestation(t, repo, img)))
    : [];
  const entries: Descriptor[] = [
    ...images.map((img) => img.descriptor),
    ...attestations.map((a) => a.descriptor),
    ...(opts.extraEntries ?? []),
  ];
  const mediaType = format === 'docker' ? MEDIA_TYPES.dockerList : MEDIA_TYPES.ociIndex;
  const json = {
    schemaVersion: 2,
    mediaType,
    manifests: entries,
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
  };
  const bytes = toBytes(json);
  const digest = await putManifestOk(t, repo, tag ?? sha256(bytes), bytes, mediaType);
  return {
    repo,
    digest,
    mediaType,
    bytes,
    json,
    images,
    attestations,
    entries,
    descriptor: { mediaType, digest, size: bytes.length },
  };
}

// ---------------------------------------------------------------------------------------
// Referrers: OCI artifacts with a `subject`, the referrers tag schema, cosign signatures.

/** The layer media type of a cosign signature. */
export const COSIGN_SIMPLESIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';

/** `sha256:abc…` → `sha256-abc…`: the referrers tag schema's tag (and cosign's tag stem). */
export function digestTag(digest: string): string {
  return digest.replace(':', '-');
}

/** A referrer pushed by {@link pushReferrer}: its descriptor as an index lists it, and its layer. */
export interface PushedReferrer extends PushedManifest {
  descriptor: Descriptor;
  layer: Descriptor;
}

/**
 * Pushes an OCI artifact whose `subject` is `subject` (an SBOM unless `artifactType` says
 * otherwise): an empty config, one layer of `artifactType`, pushed by digest. Unless
 * `tagSchema: false`, it is added to the repository's `sha256-<hex>` index (read, append,
 * PUT), as a client pushing to a registry without the referrers API does.
 */
export async function pushReferrer(
  t: RegistryTarget,
  repo: string,
  subject: Descriptor,
  opts: { artifactType?: string; tagSchema?: boolean; annotations?: Record<string, string> } = {},
): Promise<PushedReferrer> {
  const artifactType = opts.artifactType ?? 'application/spdx+json';
  const config = await pushBlob(t, repo, Buffer.from('{}'), 'application/vnd.oci.empty.v1+json');
  const layer = await pushBlob(
    t,
    repo,
    toBytes({ about: subject.digest, nonce: randomBytes(6).toString('hex') }),
    artifactType,
  );
  const mediaType = MEDIA_TYPES.ociManifest;
  const annotations = opts.annotations ?? { 'org.example.nonce': randomBytes(4).toString('hex') };
  const json = {
    schemaVersion: 2,
    mediaType,
    artifactType,
    config: { ...config, size: 2 },
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  };
  const bytes = toBytes(json);
  const digest = await putManifestOk(t, repo, sha256(bytes), bytes, mediaType);
  const descriptor: Descriptor = {
    mediaType,
    digest,
    size: bytes.length,
    artifactType,
    annotations,
  };
  if (opts.tagSchema !== false) {
    const tag = digestTag(subject.digest);
    const res = await registryFetch(t, `/v2/${repo}/manifests/${tag}`, {
      headers: { accept: ACCEPT_ALL },
    });
    const body = Buffer.from(await res.arrayBuffer());
    const before =
      res.status === 200
        ? (JSON.parse(body.toString('utf8')) as { manifests: Descriptor[] })
        : undefined;
    const index = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [...(before?.manifests ?? []), descriptor],
    };
    await putManifestOk(t, repo, tag, toBytes(index), MEDIA_TYPES.ociIndex);
  }
  return { repo, digest, mediaType, bytes, json, descriptor, layer };
}

/**
 * Pushes a cosign-style signature of `subject` by hand: an OCI image manifest with a
 * simplesigning layer (and its `dev.cosignproject.cosign/signature` annotation), under the
 * tag `sha256-<hex>.<suffix>` (`.sig` by default).
 */
export async function pushCosignSignature(
  t: RegistryTarget,
  repo: string,
  subject: Descriptor,
  suffix: 'sig' | 'att' | 'sbom' = 'sig',
): Promise<PushedManifest & { tag: string }> {
  const payload = await pushBlob(
    t,
    repo,
    toBytes({
      critical: {
        identity: { 'docker-reference': repo },
        image: { 'docker-manifest-digest': subject.digest },
        type: 'cosign container image signature',
      },
      optional: { nonce: randomBytes(6).toString('hex') },
    }),
    COSIGN_SIMPLESIGNING,
  );
  const config = await pushBlob(
    t,
    repo,
    toBytes({
      architecture: '',
      os: '',
      config: {},
      rootfs: { type: 'layers', diff_ids: [payload.digest] },
    }),
    MEDIA_TYPES.ociConfig,
  );
  const mediaType = MEDIA_TYPES.ociManifest;
  const json = {
    schemaVersion: 2,
    mediaType,
    config,
    layers: [
      {
        ...payload,
        annotations: { 'dev.cosignproject.cosign/signature': randomBytes(48).toString('base64') },
      },
    ],
  };
  const bytes = toBytes(json);
  const tag = `${digestTag(subject.digest)}.${suffix}`;
  const digest = await putManifestOk(t, repo, tag, bytes, mediaType);
  return {
    repo,
    digest,
    mediaType,
    bytes,
    json,
    tag,
    descriptor: { mediaType, digest, size: bytes.length },
  };
}

/** `DELETE /v2/<repo>/blobs/<digest>` (the test registries allow deletes); the status. */
export async function deleteBlob(t: RegistryTarget, repo: string, digest: string): Promise<number> {
  const res = await registryFetch(t, `/v2/${repo}/blobs/${digest}`, { method: 'DELETE' });
  await res.arrayBuffer();
  return res.status;
}
