import { InvalidOptionError } from '../errors/invalid-option-error.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { MatchMode } from '../manifest/platform.js';
import type { Platform } from '../manifest/types.js';
import type { DockerListConversion } from '../merge/finalize.js';
import type { RegistryClient } from '../registry/client.js';
import { numberOption } from '../util/options.js';
import { DEFAULT_MAX_INDEX_DEPTH } from './children.js';
import {
  type ReferrerSettings,
  type ReferrersOptions,
  resolveReferrers,
} from './referrers/options.js';
import type { SettleTime } from './settle.js';

/**
 * Options of {@link ManifestListMerger}.
 *
 * @example
 * ```ts
 * const merger = new ManifestListMerger({
 *   srcImage: 'quay.io/acme/app:1.2-s390x-build',
 *   destImage: 'quay.io/acme/app:1.2',
 *   srcClient: client,
 *   destClient: client,
 *   logger: console,
 * });
 * ```
 */
export interface ManifestListMergerOptions {
  /** The source list, a full reference with its registry host (`quay.io/ns/repo:tag`). */
  srcImage: string;
  /** The destination tag (`quay.io/ns/repo:tag`); merges push to it. Not a digest. */
  destImage: string;
  /**
   * Client that reads the source. Set here, with `setClients()`, or built from `srcUsername`.
   * @default an HttpRegistryClient when `srcUsername` and `srcPassword` are given, else none
   */
  srcClient?: RegistryClient;
  /**
   * Client that reads and writes the destination. Set here, with `setClients()`, or built
   * from `destUsername`.
   * @default an HttpRegistryClient when `destUsername` and `destPassword` are given, else none
   */
  destClient?: RegistryClient;
  /**
   * pubtools-quay-style construction: with `srcUsername` and `srcPassword`, an
   * {@link HttpRegistryClient} with these credentials is built for the source (as
   * pubtools-quay builds a `QuayClient`). Ignored when `srcClient` is given.
   * @default undefined
   */
  srcUsername?: string;
  /** Password or token for `srcUsername`. Never logged. @default undefined */
  srcPassword?: string;
  /**
   * pubtools-quay-style construction of the destination client; see `srcUsername`.
   * @default undefined
   */
  destUsername?: string;
  /** Password or token for `destUsername`. Never logged. @default undefined */
  destPassword?: string;
  /**
   * The registry host the source is read from, overriding the host written in `srcImage`
   * (pubtools-quay's `src_quay_host`). Falls back to `host`.
   * @default the host of `srcImage`
   */
  srcHost?: string;
  /**
   * The registry host of the destination (and of the source when `srcHost` is not given),
   * overriding the host written in the references (pubtools-quay's `host`). Unlike
   * pubtools-quay, which defaults to `quay.io`, the default is the host each reference names.
   * @default the host of `destImage`
   */
  host?: string;
  /**
   * Receives pubtools-quay's four info lines per merge, and warnings on retried conflicts.
   * @default silent
   */
  logger?: Logger;
  /**
   * How entries are matched: `'platform'` (normalised os/arch/variant) or `'architecture'`
   * (the raw architecture string, exactly as pubtools-quay).
   * @default 'platform'
   */
  match?: MatchMode;
  /**
   * Before pushing a list, make sure the destination repository holds every manifest it
   * names, copying missing ones from the source (blobs mounted on one registry, streamed
   * across registries). `false` → a {@link MissingChildrenError} listing them, nothing pushed.
   * @default true
   */
  copyChildren?: boolean;
  /**
   * Referrers follow the manifests a merge copies: when a child (an image) is copied into
   * the destination repository, its signatures, attestations and SBOMs in the source
   * repository are copied too (found by the OCI referrers API, the `sha256-<hex>` tag schema
   * and cosign's `.sig` / `.att` / `.sbom` tags), and so is the source list's own when the
   * list is pushed as the source's bytes into another repository. The referrers of the list
   * a merge replaces are reported (`MergeResult.staleSignatures`), never copied onto the new
   * list. `false` turns all of it off (no referrer is looked for); an object filters by
   * artifact type and sets the depth. See docs/publishing.md.
   * @default true (every artifact type, 3 levels)
   */
  referrers?: boolean | ReferrersOptions;
  /**
   * How many existence checks and blob transfers run at once while checking and copying
   * children.
   * @default 4
   */
  copyConcurrency?: number;
  /**
   * How deep nested indexes (an index naming indexes) are followed while copying children;
   * a deeper one is a {@link NestingTooDeepError} and nothing is pushed.
   * @default 8
   */
  maxIndexDepth?: number;
  /**
   * A Docker manifest list that would name OCI manifests or carry annotations, subject or
   * artifactType becomes an OCI image index (`'oci-index'`), or is refused (`'error'`).
   * @default 'oci-index'
   */
  dockerListConversion?: DockerListConversion;
  /**
   * The caller vouches that nobody else writes the destination tag while this merge runs
   * (merges in this process are serialised per tag anyway). The push then skips every
   * cross-process check: no re-read before the PUT, no settle window, no verification read.
   * Another writer's platforms can then be lost without any error.
   * @default false
   */
  soleWriter?: boolean;
  /**
   * The settle window of the cross-process protocol: how long a push waits after its PUT
   * before reading the tag back to verify it. `'auto'` takes half the PUT's round trip,
   * from 10 ms to 2 s; a number fixes it (ms). Writers that are far from the registry, or far
   * apart, should all set the same value, at least the longest round trip among them.
   * @default 'auto'
   */
  settleTime?: SettleTime;
  /**
   * The caller vouches that the destination tag is new: a 401 on reading it (a push-only
   * robot, which cannot tell "absent" from "no pull access") then counts as absent instead of
   * a {@link DestinationUnreadableError}. Such a merge cannot verify its push.
   * @default false
   */
  newDestination?: boolean;
  /**
   * Read-merge-write rounds before a {@link ConflictError}.
   * @default 10
   */
  maxAttempts?: number;
  /**
   * The platform of a single-image source (an image manifest, not a list) whose config blob
   * names no `os` and `architecture`: `'os/arch'` or `'os/arch/variant'`, or a
   * {@link Platform}. A config that names them wins (the result's `warnings` then say this
   * was not used). Without it, such a source is an {@link UnknownPlatformError}. Lists and
   * the destination are not affected.
   * @default undefined
   * @example
   * ```ts
   * new ManifestListMerger({ srcImage: 'quay.io/acme/app:1.2-arm64', destImage, platform: 'linux/arm64/v8' });
   * ```
   */
  platform?: string | Platform;
  /**
   * A source list naming one platform more than once (as `buildah manifest add` leaves them)
   * is taken with the first entry of each platform, the one a runtime picks (a warning in
   * the result says so), instead of refused with a {@link DuplicatePlatformError}. A
   * destination's duplicates are always collapsed that way. Has no effect with `match:
   * 'architecture'`, which takes both sides as they are, as pubtools-quay does.
   * @default false
   */
  collapseSourceDuplicates?: boolean;
  /**
   * The select mode: accept eligible architectures none of which is in the source (the result
   * then takes nothing from it, and is empty without a destination) instead of a
   * {@link NothingSelectedError}. An eligible architecture missing from the source while
   * others are there is only a warning in the result.
   * @default false
   */
  allowEmpty?: boolean;
  /**
   * The merge mode: when the destination tag does not exist, create it with the source's
   * entries (their children copied, pushed with `If-None-Match: *` and verified as any push)
   * instead of a {@link DestinationNotFoundError}. The select mode always creates a missing
   * destination.
   * @default false
   */
  createDestination?: boolean;
}

/** Options of one merge call. */
export interface MergeCallOptions {
  /** Aborts every request of the merge at once. */
  signal?: AbortSignal;
  /**
   * Resolve the plan (entries, children to copy, exact bytes and digest) without writing
   * anything.
   * @default false
   */
  dryRun?: boolean;
  /**
   * Push even when the new list equals the destination's.
   * @default false
   */
  force?: boolean;
}

/** Options of {@link ManifestListMerger.mergeSelectedArchitectures}. */
export interface SelectCallOptions extends MergeCallOptions {
  /**
   * Push the new list to the destination tag. Without it the list is only returned, as
   * pubtools-quay does (the caller signs and uploads).
   * @default false
   */
  push?: boolean;
}

/** Options of {@link ManifestListMerger.pushManifestList}. */
export interface PushCallOptions extends MergeCallOptions {
  /**
   * The digest the destination tag must hold for the push to go ahead: the one the list was
   * computed from (`MergeResult.destinationDigest`). `null` means the tag must not exist.
   * When the tag holds anything else, a {@link ConflictError} (`unexpected-digest`) is thrown
   * before anything is written (a tag that already holds exactly these bytes is
   * `'unchanged'` whatever is expected). Without it, the tag as first read is what the push
   * replaces.
   * @default undefined (no expectation)
   */
  expectDestinationDigest?: string | null;
}

/** The options that say what to merge and with which clients, not how to publish. */
type ConstructionKey =
  | 'srcImage'
  | 'destImage'
  | 'srcClient'
  | 'destClient'
  | 'srcUsername'
  | 'srcPassword'
  | 'destUsername'
  | 'destPassword'
  | 'srcHost'
  | 'host';

/**
 * How a merger publishes, every option resolved to its value (the defaults applied, numbers
 * checked): what the pipeline reads, never `undefined`.
 */
export type PublishSettings = Required<
  Omit<ManifestListMergerOptions, ConstructionKey | 'platform' | 'referrers'>
> & {
  /** The fallback platform of a single-image source, parsed. */
  platform: Platform | undefined;
  /** The `referrers` option, resolved. */
  referrers: ReferrerSettings;
};

/** A merge call's options, resolved; `push` is the call's (always true for the merge mode). */
export type CallSettings = Required<Omit<SelectCallOptions, 'signal'>> & {
  signal: AbortSignal | undefined;
};

/**
 * The publishing options of `options`, each resolved once: defaults applied, numbers checked.
 *
 * @throws {InvalidOptionError} when a numeric option is not a finite number in its range.
 */
export function resolveSettings(options: ManifestListMergerOptions): PublishSettings {
  const whole = (name: string, value: unknown, fallback: number, max: number) =>
    numberOption(name, value, fallback, { min: 1, max, integer: true });
  return {
    logger: options.logger ?? silentLogger,
    match: options.match ?? 'platform',
    copyChildren: options.copyChildren ?? true,
    referrers: resolveReferrers(options.referrers),
    copyConcurrency: whole('copyConcurrency', options.copyConcurrency, 4, 256),
    maxIndexDepth: numberOption('maxIndexDepth', options.maxIndexDepth, DEFAULT_MAX_INDEX_DEPTH, {
      min: 0,
      max: 64,
      integer: true,
    }),
    dockerListConversion: options.dockerListConversion ?? 'oci-index',
    soleWriter: options.soleWriter === true,
    settleTime:
      options.settleTime === undefined || options.settleTime === 'auto'
        ? 'auto'
        : numberOption('settleTime', options.settleTime, 0, { min: 0, max: 600_000 }),
    newDestination: options.newDestination === true,
    maxAttempts: whole('maxAttempts', options.maxAttempts, 10, 1000),
    platform: platformOption(options.platform),
    collapseSourceDuplicates: options.collapseSourceDuplicates === true,
    allowEmpty: options.allowEmpty === true,
    createDestination: options.createDestination === true,
  };
}

/**
 * The `platform` option as a {@link Platform}: `'os/arch[/variant]'` split, an object checked.
 *
 * @throws {InvalidOptionError} for anything but two or three non-empty parts, or an object
 *   without string `os` and `architecture`.
 */
export function platformOption(value: string | Platform | undefined): Platform | undefined {
  if (value === undefined) return undefined;
  const invalid = (problem: string) => new InvalidOptionError({ option: 'platform', problem });
  if (typeof value === 'string') {
    const parts = value.trim().split('/');
    if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
      throw invalid(
        `${JSON.stringify(value)} is not a platform: expected os/arch or os/arch/variant (linux/arm64)`,
      );
    }
    const [os = '', architecture = '', variant] = parts;
    return { os, architecture, ...(variant === undefined ? {} : { variant }) };
  }
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof value.os !== 'string' ||
    typeof value.architecture !== 'string' ||
    value.os === '' ||
    value.architecture === ''
  ) {
    throw invalid('must be os/arch[/variant] or an object with non-empty os and architecture');
  }
  return structuredClone(value);
}

/** A call's options, resolved; `push` as given (the merge mode passes `true`). */
export function resolveCall(options: SelectCallOptions): CallSettings {
  return {
    signal: options.signal,
    dryRun: options.dryRun === true,
    force: options.force === true,
    push: options.push === true,
  };
}
