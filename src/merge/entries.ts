import type { ReadonlyDeep } from 'type-fest';
import { attestedDigest, entryKey, type MatchMode } from '../manifest/platform.js';
import type { ManifestDescriptor } from '../manifest/types.js';

/**
 * What a list entry is, as the merge sees it:
 *
 * - `'image'`: an entry with a platform of its own (matched by its platform key);
 * - `'attestation'`: a buildx attestation (`vnd.docker.reference.type: attestation-manifest`)
 *   naming the image it describes (`vnd.docker.reference.digest`); it follows that image;
 * - `'artifact'`: anything else, i.e. an entry without a platform (an OCI artifact with an
 *   `artifactType`, for example) or an attestation that names no image. Matched by digest.
 */
export type EntryKind = 'image' | 'attestation' | 'artifact';

/** A read-only entry of a list, as the merge functions take them. */
export type ReadonlyEntry = ReadonlyDeep<ManifestDescriptor>;

/**
 * The {@link EntryKind} of a list entry.
 *
 * @example
 * ```ts
 * entryKind({ mediaType, digest, size, platform: { os: 'linux', architecture: 'amd64' } }); // 'image'
 * ```
 */
export function entryKind(entry: ReadonlyEntry): EntryKind {
  if (attestedDigest(entry) !== undefined) return 'attestation';
  return entryKey(entry) === undefined ? 'artifact' : 'image';
}

/** The match key of an image entry; `undefined` for attestations and artifacts. */
export function imageKey(entry: ReadonlyEntry, match: MatchMode): string | undefined {
  return entryKind(entry) === 'image' ? entryKey(entry, match) : undefined;
}
