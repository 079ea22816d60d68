import { DigestMismatchError } from '../errors/digest-mismatch-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { PreconditionFailedError } from '../errors/precondition-failed-error.js';
import { digestOf } from '../manifest/digest.js';
import {
  DOCKER_MANIFEST,
  normalizeMediaType,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
} from '../manifest/media-types.js';
import { parseImageReference, repositoryKey, tagKey } from '../manifest/reference.js';
import { artifactTypeOf } from '../manifest/referrers.js';
import { computeDigest, serializeManifestList } from '../manifest/serialize.js';
import type {
  Descriptor,
  FetchedManifest,
  ManifestDescriptor,
  ManifestList,
  Platform,
} from '../manifest/types.js';
import type {
  BlobContent,
  ListReferrersOptions,
  ManifestHead,
  PutManifestOptions,
  ReferrersAnswer,
  RegistryClient,
  RequestOptions,
} from './client.js';

/** One call recorded by {@link InMemoryRegistryClient}. */
export interface InMemoryCall {
  /** Which client method was called. */
  method: 'get' | 'head' | 'put' | 'hasBlob' | 'mountBlob' | 'getBlob' | 'putBlob' | 'referrers';
  /** The image reference the call named, as given. */
  image: string;
  /** The blob digest, for blob calls; the subject's digest, for `referrers`. */
  digest?: string;
  /** For `put`: the precondition sent (`If-Match` digest, or `*` for `If-None-Match`). */
  precondition?: string;
}

/** Options of {@link InMemoryRegistryClient}. */
export interface InMemoryRegistryClientOptions {
  /**
   * Honour `ifMatch` / `ifNoneMatch` on `putManifest` (a 412 {@link PreconditionFailedError}
   * when they fail), as a registry with conditional requests would. CNCF distribution ignores
   * them, and so does this client by default.
   * @default false
   */
  honourPreconditions?: boolean;
  /**
   * Answer the OCI 1.1 referrers API (`listReferrers`) from the stored manifests whose
   * `subject` names the digest, filtering by `artifactType` when asked, as a registry with
   * the API would. Without it `listReferrers` resolves `undefined`, as CNCF distribution 2.8
   * answers 404, and the merger falls back to the referrers tag schema (`sha256-<hex>`).
   * @default false
   */
  referrersApi?: boolean;
}

/** Options of {@link InMemoryRegistryClient.setImage}. */
export interface InMemoryImageOptions {
  /**
   * The platform the config blob names.
   * @default none: the config names no `os` and `architecture`
   */
  platform?: Platform | undefined;
  /**
   * `'docker'`: a Docker v2 schema 2 manifest; `'oci'`: an OCI image manifest.
   * @default 'oci'
   */
  format?: 'docker' | 'oci';
  /**
   * The whole config blob, as JSON, instead of the one made from `platform`.
   * @default `{ ...platform, config: { Labels }, rootfs }`
   */
  config?: object;
}

interface StoredManifest {
  bytes: Uint8Array;
  mediaType: string;
}

/**
 * A {@link RegistryClient} that keeps manifests and blobs in memory: for unit tests of code
 * that uses {@link ManifestListMerger}, with no registry and no network. It records every call
 * in `calls`, keeps tags and content per `host/repository`, throws {@link NotFoundError} for
 * what it does not hold, and implements every optional method (HEAD, blob check, mount,
 * streamed blob copy, the referrers API with `referrersApi: true`). Exact bytes in, exact bytes out: digests are `sha256` of the bytes, or
 * `sha512` for content stored or pushed by a `sha512:…` digest reference.
 *
 * @example
 * ```ts
 * const registry = new InMemoryRegistryClient();
 * registry.setManifest('quay.io/acme/app:new', newList);
 * registry.setManifest('quay.io/acme/app:1.0', oldList);
 * const merger = new ManifestListMerger({
 *   srcImage: 'quay.io/acme/app:new', destImage: 'quay.io/acme/app:1.0',
 *   srcClient: registry, destClient: registry,
 * });
 * await merger.mergeManifestLists();
 * expect(registry.calls.filter((c) => c.method === 'put')).toHaveLength(1);
 * ```
 */
export class InMemoryRegistryClient implements RegistryClient {
  /** Every call, in order. */
  readonly calls: InMemoryCall[] = [];
  readonly #manifests = new Map<string, StoredManifest>();
  readonly #tags = new Map<string, string>();
  readonly #blobs = new Map<string, Uint8Array>();
  readonly #honourPreconditions: boolean;
  readonly #referrersApi: boolean;

  /**
   * @example
   * ```ts
   * const casRegistry = new InMemoryRegistryClient({ honourPreconditions: true });
   * ```
   */
  constructor(options: InMemoryRegistryClientOptions = {}) {
    this.#honourPreconditions = options.honourPreconditions === true;
    this.#referrersApi = options.referrersApi === true;
  }

  /**
   * Stores a manifest under `image` (a tag or digest reference) and returns its digest. An
   * object is serialised as compact JSON; bytes and strings are stored as they are.
   * `mediaType` defaults to the document's own `mediaType`, else the OCI image index type.
   */
  setManifest(
    image: string,
    content: ManifestList | object | Uint8Array | string,
    mediaType?: string,
  ): string {
    const bytes =
      content instanceof Uint8Array
        ? new Uint8Array(content)
        : typeof content === 'string'
          ? new TextEncoder().encode(content)
          : serializeManifestList(content as ManifestList);
    return this.#store(image, bytes, mediaType ?? readMediaType(bytes) ?? OCI_IMAGE_INDEX);
  }

  /**
   * Stores a blob in the repository of `image` and returns its digest (by `algorithm`:
   * `sha256` or `sha512`).
   */
  setBlob(image: string, content: Uint8Array | string, algorithm = 'sha256'): string {
    const bytes =
      typeof content === 'string' ? new TextEncoder().encode(content) : new Uint8Array(content);
    const digest = computeDigest(bytes, algorithm);
    this.#blobs.set(`${repoKey(image)}@${digest}`, bytes);
    return digest;
  }

  /**
   * Stores a single-image manifest under `image` (a tag or digest reference), as a
   * one-platform `docker push` or `buildah push` leaves it: a config blob naming `platform`
   * (its `os`, `architecture`, `variant`, `os.version`, `os.features`) in the image's
   * repository, and a manifest of that config and no layers. The config also names `image`,
   * so images stored under different references differ. Returns the descriptor a list entry
   * for it holds.
   *
   * @example
   * ```ts
   * const arm64 = registry.setImage('quay.io/acme/app:1.2-arm64', {
   *   platform: { os: 'linux', architecture: 'arm64' },
   * });
   * ```
   */
  setImage(image: string, options: InMemoryImageOptions = {}): ManifestDescriptor {
    const { platform, format = 'oci' } = options;
    const config = options.config ?? {
      ...(platform ?? {}),
      config: { Labels: { 'org.opencontainers.image.ref.name': image } },
      rootfs: { type: 'layers', diff_ids: [] },
    };
    const configBytes = new TextEncoder().encode(JSON.stringify(config));
    const mediaType = format === 'docker' ? DOCKER_MANIFEST : OCI_IMAGE_MANIFEST;
    const manifest = {
      schemaVersion: 2,
      mediaType,
      config: {
        mediaType:
          format === 'docker'
            ? 'application/vnd.docker.container.image.v1+json'
            : 'application/vnd.oci.image.config.v1+json',
        digest: this.setBlob(image, configBytes),
        size: configBytes.length,
      },
      layers: [],
    };
    const bytes = new TextEncoder().encode(JSON.stringify(manifest));
    const digest = this.#store(image, bytes, mediaType);
    return {
      mediaType,
      digest,
      size: bytes.length,
      ...(platform ? { platform: structuredClone(platform) } : {}),
    };
  }

  /** Whether the repository of `image` holds manifest `digest` (no call is recorded). */
  holdsManifest(image: string, digest: string): boolean {
    return this.#manifests.has(`${repoKey(image)}@${digest}`);
  }

  /** Whether the repository of `image` holds blob `digest` (no call is recorded). */
  holdsBlob(image: string, digest: string): boolean {
    return this.#blobs.has(`${repoKey(image)}@${digest}`);
  }

  /** Forgets a tag (the manifest stays reachable by digest). */
  deleteTag(image: string): void {
    this.#tags.delete(tagKey(image));
  }

  /** The digest a tag points at, or `undefined`. */
  resolveTag(image: string): string | undefined {
    return this.#tags.get(tagKey(image));
  }

  async getManifest(image: string, options: RequestOptions = {}): Promise<FetchedManifest> {
    options.signal?.throwIfAborted();
    this.calls.push({ method: 'get', image });
    const { digest, stored } = this.#lookup(image, 'GET');
    return { bytes: new Uint8Array(stored.bytes), mediaType: stored.mediaType, digest };
  }

  async headManifest(image: string, options: RequestOptions = {}): Promise<ManifestHead> {
    options.signal?.throwIfAborted();
    this.calls.push({ method: 'head', image });
    const { digest, stored } = this.#lookup(image, 'HEAD');
    return { digest, mediaType: stored.mediaType, size: stored.bytes.length };
  }

  async putManifest(
    image: string,
    bytes: Uint8Array,
    mediaType: string,
    options: PutManifestOptions = {},
  ): Promise<string> {
    options.signal?.throwIfAborted();
    const precondition = options.ifMatch ?? options.ifNoneMatch;
    this.calls.push({ method: 'put', image, ...(precondition ? { precondition } : {}) });
    if (this.#honourPreconditions && parseImageReference(image).digest === undefined) {
      const current = this.#tags.get(tagKey(image));
      const failed =
        (options.ifMatch !== undefined && current !== options.ifMatch) ||
        (options.ifNoneMatch === '*' && current !== undefined);
      if (failed) {
        throw new PreconditionFailedError({ reference: image, status: 412, method: 'PUT' });
      }
    }
    return this.#store(image, new Uint8Array(bytes), normalizeMediaType(mediaType));
  }

  async hasBlob(image: string, digest: string, options: RequestOptions = {}): Promise<boolean> {
    options.signal?.throwIfAborted();
    this.calls.push({ method: 'hasBlob', image, digest });
    return this.holdsBlob(image, digest);
  }

  async mountBlob(
    image: string,
    digest: string,
    fromImage: string,
    options: RequestOptions = {},
  ): Promise<boolean> {
    options.signal?.throwIfAborted();
    this.calls.push({ method: 'mountBlob', image, digest });
    const blob = this.#blobs.get(`${repoKey(fromImage)}@${digest}`);
    if (!blob) return false;
    this.#blobs.set(`${repoKey(image)}@${digest}`, blob);
    return true;
  }

  async getBlob(image: string, digest: string, options: RequestOptions = {}): Promise<BlobContent> {
    options.signal?.throwIfAborted();
    this.calls.push({ method: 'getBlob', image, digest });
    const blob = this.#blobs.get(`${repoKey(image)}@${digest}`);
    if (!blob)
      throw new NotFoundError({
        reference: image,
        status: 404,
        method: 'GET',
        registryCodes: ['BLOB_UNKNOWN'],
        registryMessage: `BLOB_UNKNOWN blob ${digest} unknown to repository`,
      });
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(blob as Uint8Array);
    }
    return { size: blob.length, stream: chunks() };
  }

  async putBlob(
    image: string,
    digest: string,
    blob: BlobContent,
    options: RequestOptions = {},
  ): Promise<void> {
    options.signal?.throwIfAborted();
    this.calls.push({ method: 'putBlob', image, digest });
    const parts: Uint8Array[] = [];
    for await (const chunk of blob.stream) parts.push(chunk);
    const bytes = new Uint8Array(Buffer.concat(parts));
    const actual = digestOf(bytes, digest);
    if (actual !== digest) {
      throw new DigestMismatchError({
        kind: 'blob',
        expected: digest,
        actual,
        source: 'reference',
        reference: image,
        method: 'PUT',
      });
    }
    this.#blobs.set(`${repoKey(image)}@${digest}`, bytes);
  }

  /**
   * The referrers API (with `referrersApi: true`): a descriptor of each manifest in the
   * repository of `image` whose `subject` is `digest`; `undefined` without the option.
   */
  async listReferrers(
    image: string,
    digest: string,
    options: ListReferrersOptions = {},
  ): Promise<ReferrersAnswer | undefined> {
    options.signal?.throwIfAborted();
    this.calls.push({ method: 'referrers', image, digest });
    if (!this.#referrersApi) return undefined;
    const prefix = `${repoKey(image)}@`;
    const manifests: Descriptor[] = [];
    for (const [key, stored] of this.#manifests) {
      if (!key.startsWith(prefix)) continue;
      const doc = readJson(stored.bytes) as {
        subject?: { digest?: unknown };
        annotations?: Record<string, string>;
      };
      if (doc?.subject?.digest !== digest) continue;
      const artifactType = artifactTypeOf(doc);
      if (options.artifactType !== undefined && artifactType !== options.artifactType) continue;
      manifests.push({
        mediaType: stored.mediaType,
        digest: key.slice(prefix.length),
        size: stored.bytes.length,
        ...(artifactType !== undefined ? { artifactType } : {}),
        ...(doc.annotations ? { annotations: doc.annotations } : {}),
      });
    }
    return {
      manifests,
      filtersApplied: options.artifactType !== undefined ? ['artifactType'] : [],
    };
  }

  #lookup(image: string, method: string): { digest: string; stored: StoredManifest } {
    const ref = parseImageReference(image);
    const digest = ref.digest ?? this.#tags.get(tagKey(image));
    const stored =
      digest === undefined ? undefined : this.#manifests.get(`${repoKey(image)}@${digest}`);
    if (digest === undefined || stored === undefined) {
      throw new NotFoundError({
        reference: image,
        status: 404,
        method,
        registryCodes: ['MANIFEST_UNKNOWN'],
        registryMessage: 'MANIFEST_UNKNOWN manifest unknown',
      });
    }
    return { digest, stored };
  }

  #store(image: string, bytes: Uint8Array, mediaType: string): string {
    const ref = parseImageReference(image);
    // Stored by the algorithm the reference names (`@sha512:…`), else by sha256.
    const digest = computeDigest(bytes, ref.digest ?? 'sha256');
    if (ref.digest !== undefined && ref.digest !== digest) {
      throw new DigestMismatchError({
        expected: ref.digest,
        actual: digest,
        source: 'reference',
        reference: image,
        method: 'PUT',
      });
    }
    this.#manifests.set(`${repoKey(image)}@${digest}`, { bytes, mediaType });
    if (ref.tag !== undefined || ref.digest === undefined) this.#tags.set(tagKey(image), digest);
    return digest;
  }
}

function repoKey(image: string): string {
  return repositoryKey(image);
}

function readMediaType(bytes: Uint8Array): string | undefined {
  const doc = readJson(bytes) as { mediaType?: unknown } | undefined;
  return typeof doc?.mediaType === 'string' ? doc.mediaType : undefined;
}

function readJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}
