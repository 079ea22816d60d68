import { DigestMismatchError } from '../errors/digest-mismatch-error.js';
import { NotFoundError } from '../errors/not-found-error.js';
import { normalizeMediaType } from '../manifest/media-types.js';
import { computeDigest, serializeManifestList } from '../manifest/serialize.js';
import type { FetchedManifest, ManifestList } from '../manifest/types.js';
import type { RegistryClient, RequestOptions } from './client.js';
import { parseImageReference } from './reference.js';

/** One call recorded by {@link InMemoryRegistryClient}. */
export interface InMemoryCall {
  /** `get` or `put`. */
  method: 'get' | 'put';
  /** The image reference the call named, as given. */
  image: string;
}

interface StoredManifest {
  bytes: Uint8Array;
  mediaType: string;
}

/**
 * A {@link RegistryClient} that keeps manifests in memory: for unit tests of code that uses
 * {@link ManifestListMerger}, with no registry and no network. It records every call in
 * `calls`, keeps tags per `host/repository`, and throws {@link NotFoundError} for what it
 * does not hold. Exact bytes in, exact bytes out: digests are `sha256` of the stored bytes.
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
  /** Every `getManifest` / `putManifest` call, in order. */
  readonly calls: InMemoryCall[] = [];
  readonly #manifests = new Map<string, StoredManifest>();
  readonly #tags = new Map<string, string>();

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
    const declared = readMediaType(bytes);
    return this.#store(
      image,
      bytes,
      mediaType ?? declared ?? 'application/vnd.oci.image.index.v1+json',
    );
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
    const ref = parseImageReference(image);
    const digest = ref.digest ?? this.#tags.get(tagKey(image));
    const stored =
      digest === undefined ? undefined : this.#manifests.get(`${repoKey(image)}@${digest}`);
    if (digest === undefined || stored === undefined) {
      throw new NotFoundError(`Manifest '${image}' not found`, { status: 404, method: 'GET' });
    }
    return { bytes: new Uint8Array(stored.bytes), mediaType: stored.mediaType, digest };
  }

  async putManifest(
    image: string,
    bytes: Uint8Array,
    mediaType: string,
    options: RequestOptions = {},
  ): Promise<string> {
    options.signal?.throwIfAborted();
    this.calls.push({ method: 'put', image });
    return this.#store(image, new Uint8Array(bytes), normalizeMediaType(mediaType));
  }

  #store(image: string, bytes: Uint8Array, mediaType: string): string {
    const ref = parseImageReference(image);
    const digest = computeDigest(bytes);
    if (ref.digest !== undefined && ref.digest !== digest) {
      throw new DigestMismatchError(`Digest reference '${image}' does not match the bytes`, {
        expected: ref.digest,
        actual: digest,
        source: 'reference',
        method: 'PUT',
      });
    }
    this.#manifests.set(`${repoKey(image)}@${digest}`, { bytes, mediaType });
    if (ref.tag !== undefined || ref.digest === undefined) this.#tags.set(tagKey(image), digest);
    return digest;
  }
}

function repoKey(image: string): string {
  const ref = parseImageReference(image);
  return `${ref.host}/${ref.repository}`;
}

function tagKey(image: string): string {
  const ref = parseImageReference(image);
  return `${ref.host}/${ref.repository}:${ref.tag ?? 'latest'}`;
}

function readMediaType(bytes: Uint8Array): string | undefined {
  try {
    const doc = JSON.parse(new TextDecoder().decode(bytes)) as { mediaType?: unknown };
    return typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  } catch {
    return undefined;
  }
}
