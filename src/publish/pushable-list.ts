// The bytes of a push of a given list, checked before any request: pure, no client, no clock.
import { IncompatibleMediaTypeError } from '../errors/incompatible-media-type-error.js';
import { InvalidManifestListError } from '../errors/invalid-manifest-list-error.js';
import { InvalidOptionError } from '../errors/invalid-option-error.js';
import { ManifestTooLargeError } from '../errors/manifest-too-large-error.js';
import { isValidDigest } from '../manifest/digest.js';
import { DEFAULT_MAX_MANIFEST_BYTES } from '../manifest/limits.js';
import { parseManifestList } from '../manifest/parse.js';
import { computeDigest } from '../manifest/serialize.js';
import { dockerListIncompatibilities } from '../merge/finalize.js';
import type { Planned } from './plan-publish.js';

/**
 * `bytes` as a list a push writes exactly: at most {@link DEFAULT_MAX_MANIFEST_BYTES}, a
 * valid manifest list or image index, naming its top-level `mediaType` (the `Content-Type`
 * it is pushed under; registries such as ECR refuse a list without one), and, for a Docker
 * manifest list, nothing that format cannot carry (what a merge would convert to an OCI
 * index, given bytes cannot be). The bytes are copied: the caller's buffer may change later.
 * The digest is `sha256` of the bytes, never of a re-serialisation.
 *
 * @throws {ManifestTooLargeError} past 4 MiB, before anything is parsed.
 * @throws {InvalidManifestListError} for anything but a valid list (a single-image manifest
 *   too), or a list without a top-level `mediaType` (`reason: 'media-type'`).
 * @throws {IncompatibleMediaTypeError} (`exactBytes`) for a Docker list carrying OCI fields.
 *
 * @example
 * ```ts
 * const planned = pushableList(readFileSync('list.json'));
 * planned.digest; // 'sha256:…' of the file, byte for byte
 * ```
 */
export function pushableList(bytes: Uint8Array): Omit<Planned, 'unchanged'> {
  if (!(bytes instanceof Uint8Array)) {
    throw new InvalidOptionError({
      option: 'bytes',
      problem: `must be a Uint8Array (a Buffer) of the list's exact bytes; got ${typeof bytes}`,
    });
  }
  if (bytes.byteLength > DEFAULT_MAX_MANIFEST_BYTES) {
    throw new ManifestTooLargeError({ limit: DEFAULT_MAX_MANIFEST_BYTES, size: bytes.byteLength });
  }
  const copy = new Uint8Array(bytes);
  const list = parseManifestList(copy);
  const { mediaType } = list;
  if (mediaType === undefined) {
    throw new InvalidManifestListError({
      problem:
        'The list names no top-level mediaType, which a pushed list must (ECR refuses one without), and its exact bytes cannot be given one: build the list with its mediaType',
      field: 'mediaType',
      reason: 'media-type',
    });
  }
  const misfits = dockerListIncompatibilities(list);
  if (misfits.length > 0)
    throw new IncompatibleMediaTypeError({ fields: misfits, exactBytes: true });
  return { list, bytes: copy, digest: computeDigest(copy), mediaType };
}

/**
 * `expected` when it is `undefined`, `null` or a valid digest.
 *
 * @throws {InvalidOptionError} (`expectDestinationDigest`) for anything else.
 */
export function expectedDigest(expected: unknown): string | null | undefined {
  if (expected === undefined || expected === null || isValidDigest(expected)) return expected;
  throw new InvalidOptionError({
    option: 'expectDestinationDigest',
    problem: `must be a digest (sha256:<64 hex>) or null (the tag must not exist); got ${typeof expected === 'string' ? JSON.stringify(expected.slice(0, 80)) : typeof expected}`,
  });
}
