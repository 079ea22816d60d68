// Finding the referrers of one manifest in one repository: the referrers API, else the
// referrers tag schema, and cosign's tags.
import { InvalidChildManifestError } from '../../errors/invalid-child-manifest-error.js';
import { registryOf, withTag } from '../../manifest/reference.js';
import {
  cosignTagsOf,
  readReferrersIndex,
  referrersTagOf,
  typesOfManifest,
} from '../../manifest/referrers.js';
import type { Descriptor, FetchedManifest } from '../../manifest/types.js';
import { unlessNotFound } from '../../registry/capabilities.js';
import {
  isNotFoundError,
  type ReferrersAnswer,
  type RegistryClient,
} from '../../registry/client.js';
import type { Limiter } from '../../util/worker-pool.js';
import type { ReferrerRecord } from './report.js';

/** A referrer found, with what copying it needs. */
export interface Found {
  record: ReferrerRecord;
  /** Its descriptor as the source listed it (API or index), or as built from its manifest. */
  descriptor: Descriptor;
  /** The manifest under a cosign tag, as fetched (to write the same tag in the destination). */
  fetched?: FetchedManifest;
}

/** One repository to look in, and what was learnt about its registry. */
export interface Lookup {
  client: RegistryClient;
  /** An image of the repository (its tag or digest is ignored). */
  image: string;
  limiter: Limiter;
  signal: AbortSignal;
  /** The artifact types wanted; empty for every type. */
  artifactTypes: readonly string[];
}

/**
 * The registries (by API host) each client found without a referrers API (its
 * `listReferrers` resolved `undefined`): not asked again by this process, so that a batch of
 * merges pays that 404 once per registry.
 */
const withoutApi = new WeakMap<RegistryClient, Set<string>>();

/**
 * The referrers of `subject` in the repository of `lookup.image`, at level `depth`: the
 * referrers API (one `?artifactType=` when one type is wanted; filtered here when the
 * registry did not apply it), or, where the registry has none, the index under the tag
 * `sha256-<hex>`; and the manifests under cosign's `.sig`, `.att` and `.sbom` tags. The
 * requests run at once, each under the lookup's limiter, and settle together. Absent tags
 * are no referrers.
 *
 * @throws {InvalidChildManifestError} when the `sha256-<hex>` tag holds no index of referrers.
 */
export async function referrersOf(
  subject: string,
  depth: number,
  lookup: Lookup,
): Promise<Found[]> {
  // Settled together: no request is left running behind a failure.
  const [indexed, ...tagged] = await Promise.allSettled([
    listedReferrers(subject, depth, lookup),
    ...cosignTagsOf(subject).map((tag) => cosignTag(subject, depth, tag, lookup)),
  ]);
  const failed = [indexed, ...tagged].find((r) => r?.status === 'rejected');
  if (failed?.status === 'rejected') throw failed.reason;
  const listed = indexed?.status === 'fulfilled' ? indexed.value : [];
  const cosign = tagged.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
  return [...listed, ...cosign.filter((f): f is Found => f !== undefined)];
}

/**
 * What the referrers API of the registry of `image` answers about `subject`; `undefined`
 * when it has none (the client lacks `listReferrers`, or it resolved `undefined` or threw a
 * not-found error). A registry found without the API is remembered for `client`.
 */
export async function askReferrersApi(
  client: RegistryClient,
  image: string,
  subject: string,
  limiter: Limiter,
  signal: AbortSignal,
  artifactType?: string,
): Promise<ReferrersAnswer | undefined> {
  const registry = registryOf(image);
  if (!client.listReferrers || withoutApi.get(client)?.has(registry) === true) return undefined;
  const list = client.listReferrers.bind(client);
  try {
    const answer = await limiter.run(() =>
      list(image, subject, { signal, ...(artifactType !== undefined ? { artifactType } : {}) }),
    );
    if (answer === undefined) {
      const known = withoutApi.get(client) ?? new Set<string>();
      withoutApi.set(client, known.add(registry));
    }
    return answer;
  } catch (error) {
    // A not-found error thrown (not the API's 404) means the same, but is not remembered.
    if (!isNotFoundError(error)) throw error;
    return undefined;
  }
}

/** The referrers the API names, or the referrers tag schema where there is no API. */
async function listedReferrers(subject: string, depth: number, lookup: Lookup): Promise<Found[]> {
  const { client, image, limiter, signal, artifactTypes } = lookup;
  const found = (descriptor: Descriptor, source: ReferrerRecord['source']): Found => ({
    descriptor,
    record: {
      digest: descriptor.digest,
      mediaType: descriptor.mediaType,
      ...(descriptor.artifactType !== undefined ? { artifactType: descriptor.artifactType } : {}),
      subject,
      source,
      depth,
    },
  });
  const wanted = (d: Descriptor) =>
    artifactTypes.length === 0 ||
    (d.artifactType !== undefined && artifactTypes.includes(d.artifactType));
  const artifactType = artifactTypes.length === 1 ? artifactTypes[0] : undefined;
  const answer = await askReferrersApi(client, image, subject, limiter, signal, artifactType);
  if (answer) return answer.manifests.filter(wanted).map((d) => found(d, 'referrers-api'));
  const tag = withTag(image, referrersTagOf(subject));
  const fetched = await limiter.run(() =>
    unlessNotFound(() => client.getManifest(tag, { signal })),
  );
  if (fetched === undefined) return [];
  const read = readReferrersIndex(fetched.bytes);
  if (!read.ok) {
    throw new InvalidChildManifestError({
      digest: fetched.digest,
      image: tag,
      field: read.field,
      reason: read.reason,
      problem: `it is not an index of referrers: ${read.problem}`,
    });
  }
  return read.manifests.filter(wanted).map((d) => found(d, 'referrers-tag'));
}

/** The manifest under cosign's tag `tag` for `subject`, if any (and wanted). */
async function cosignTag(
  subject: string,
  depth: number,
  tag: string,
  lookup: Lookup,
): Promise<Found | undefined> {
  const { client, image, limiter, signal, artifactTypes } = lookup;
  const fetched = await limiter.run(() =>
    unlessNotFound(() => client.getManifest(withTag(image, tag), { signal })),
  );
  if (fetched === undefined) return undefined;
  const doc = parseJson(fetched.bytes);
  const types = typesOfManifest(doc);
  if (artifactTypes.length > 0 && !types.some((t) => artifactTypes.includes(t))) return undefined;
  const artifactType = cosignArtifactType(doc) ?? types[0];
  const descriptor: Descriptor = {
    mediaType: fetched.mediaType,
    digest: fetched.digest,
    size: fetched.bytes.byteLength,
    ...(artifactType !== undefined ? { artifactType } : {}),
  };
  return {
    descriptor,
    fetched,
    record: {
      digest: fetched.digest,
      mediaType: fetched.mediaType,
      ...(artifactType !== undefined ? { artifactType } : {}),
      subject,
      source: 'cosign-tag',
      tag,
      depth,
    },
  };
}

/**
 * What a manifest under a cosign tag is: its `artifactType`, else its first layer's media
 * type (`application/vnd.dev.cosign.simplesigning.v1+json` for a signature), since its
 * config is a plain image config.
 */
function cosignArtifactType(doc: unknown): string | undefined {
  const d = doc as { artifactType?: unknown; layers?: { mediaType?: unknown }[] } | undefined;
  if (typeof d?.artifactType === 'string') return d.artifactType;
  const first = Array.isArray(d?.layers) ? d.layers[0]?.mediaType : undefined;
  return typeof first === 'string' ? first : undefined;
}

/** The JSON document of `bytes`, or `undefined` (the copy reports what is wrong with it). */
function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}
