import { type Command, Option } from 'commander';
import {
  collect,
  collectList,
  parseDuration,
  parseExpectDest,
  parsePositiveInt,
  parseShard,
} from './parse-args.js';
import { UsageError } from './usage-error.js';

/** The flags every command takes, as commander parses them (aliases not yet merged). */
export interface CommonOptions {
  srcUsername?: string;
  destUsername?: string;
  srcPasswordStdin?: boolean;
  destPasswordStdin?: boolean;
  sourceQuayUser?: string;
  destQuayUser?: string;
  sourceQuayPassword?: string;
  destQuayPassword?: string;
  match: 'platform' | 'architecture';
  copyChildren: boolean;
  /** `--no-referrers` sets it false. */
  referrers: boolean;
  referrerType?: string[];
  referrerDepth?: number;
  soleWriter?: boolean;
  settleTime?: number;
  newDestination?: boolean;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  insecure?: string[];
  timeout?: number;
  dockerConfig: boolean;
  /** `--no-containers-auth` turns podman's auth files off. */
  containersAuth: boolean;
  /** `--authfile PATH`: the auth file to read first (podman's flag). */
  authfile?: string;
  verbose?: boolean;
  quiet?: boolean;
}

/** The flags of `merge` and `select`. */
export interface MergeOptions extends CommonOptions {
  src?: string;
  dest?: string;
  sourceRef?: string;
  destRef?: string;
  output?: string;
  /** `select` only. */
  arch?: string[];
  /** `select` only. */
  push?: boolean;
  /** `select` only. */
  allowEmpty?: boolean;
  /** `merge` only. */
  create?: boolean;
  platform?: string;
  collapseSourceDuplicates?: boolean;
}

/** The flags of `push`. */
export interface PushOptions extends CommonOptions {
  dest?: string;
  src?: string;
  /** `--expect-dest`: a digest, or `none`. */
  expectDest?: string;
}

/** The flags of `bulk`. */
export interface BulkOptions extends CommonOptions {
  /** Merge jobs: create a missing destination (a job's `"create"` wins). */
  create?: boolean;
  /** Select jobs: accept `archs` none of which is in the source (a job's `"allowEmpty"` wins). */
  allowEmpty?: boolean;
  /** The platform of a single-image source whose config names none (a job's `"platform"` wins). */
  platform?: string;
  /** Take the first entry of a platform a source names twice (a job's own field wins). */
  collapseSourceDuplicates?: boolean;
  concurrency?: number;
  failFast?: boolean;
  /** `--shard I/N`: run only the jobs of shard I of N. */
  shard?: { index: number; count: number };
}

/** Adds `--src` / `--dest` and pubtools-quay's aliases for them. */
export function addReferenceOptions(cmd: Command): Command {
  return cmd
    .option('-s, --src <ref>', 'source manifest list, e.g. quay.io/acme/app:1.2-build')
    .option(
      '-d, --dest <ref>',
      'destination tag, e.g. quay.io/acme/app:1.2 (a tag, never a digest)',
    )
    .addOption(new Option('--source-ref <ref>', 'alias of --src (pubtools-quay)').hideHelp())
    .addOption(new Option('--dest-ref <ref>', 'alias of --dest (pubtools-quay)').hideHelp())
    .option('-o, --output <file>', "also write the new list's exact bytes to FILE ('-' = stdout)");
}

/** Adds the options every command shares: credentials, matching, safety, transport, output. */
export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--src-username <user>', 'user name for the source registry (or MLM_SRC_USERNAME)')
    .option('--src-password-stdin', 'read the source password from stdin (or set MLM_SRC_PASSWORD)')
    .option(
      '--dest-username <user>',
      'user name for the destination registry (or MLM_DEST_USERNAME)',
    )
    .option(
      '--dest-password-stdin',
      'read the destination password from stdin (or set MLM_DEST_PASSWORD)',
    )
    .addOption(new Option('--source-quay-user <user>', 'alias of --src-username').hideHelp())
    .addOption(new Option('--dest-quay-user <user>', 'alias of --dest-username').hideHelp())
    .addOption(
      new Option('--source-quay-password <password>', 'deprecated: visible in ps').hideHelp(),
    )
    .addOption(
      new Option('--dest-quay-password <password>', 'deprecated: visible in ps').hideHelp(),
    )
    .option('--no-docker-config', 'do not read credentials from ~/.docker/config.json')
    .option(
      '--authfile <path>',
      "podman's auth file to read first (default: $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json)",
    )
    .addOption(
      new Option(
        '--no-containers-auth',
        "do not read podman/skopeo/buildah credentials (containers' auth.json)",
      ).conflicts('authfile'),
    )
    .addOption(
      new Option('--match <mode>', 'how entries are matched')
        .choices(['platform', 'architecture'])
        .default('platform'),
    )
    .option('--no-copy-children', 'fail instead of copying manifests the destination repo lacks')
    .option(
      '--no-referrers',
      "do not copy copied images' signatures, attestations and SBOMs, nor report the old list's",
    )
    .option(
      '--referrer-type <type>',
      'copy only referrers of this artifact type (repeatable), e.g. application/spdx+json',
      collect,
    )
    .option(
      '--referrer-depth <n>',
      'levels of referrers followed: 2 adds signatures on SBOMs (default 3)',
      parsePositiveInt,
    )
    .option(
      '--sole-writer',
      'nobody else writes the destination tag: skip the checks against other writers',
    )
    .option(
      '--settle-time <duration>',
      'wait this long after the PUT before verifying the tag (default: half the PUT round trip, 10ms-2s)',
      parseDuration,
    )
    .option(
      '--new-destination',
      'the destination tag is new: push even when these credentials cannot read it (401)',
    )
    .option('--force', 'push even when the destination already holds the same list')
    .option('-n, --dry-run', 'resolve and print the plan; write nothing')
    .option('--json', 'print a machine-readable JSON result on stdout')
    .option('--insecure <host>', 'talk plain HTTP to HOST[:PORT] (repeatable)', collect)
    .option(
      '--timeout <duration>',
      'per-request timeout: 30, 30s, 500ms, 2m (default 30s)',
      parseDuration,
    )
    .addOption(
      new Option(
        '-v, --verbose',
        'log each step and request on stderr; stacks on errors',
      ).conflicts('quiet'),
    )
    .option('-q, --quiet', 'print nothing on success but the digest (errors still print)');
}

/** Adds `select`'s own options. */
export function addSelectOptions(cmd: Command): Command {
  return cmd
    .option(
      '-a, --arch <arch>',
      'architecture to take from the source (repeatable, or comma-separated)',
      collectList,
    )
    .option('--push', 'push the new list (without it, it is only printed)')
    .option('--allow-empty', 'accept --arch names none of which is in the source (no error)');
}

/** Adds the options of `merge` and `select` about what the source may be. */
export function addInputOptions(cmd: Command): Command {
  return cmd
    .option(
      '--platform <os/arch[/variant]>',
      "platform of a single-image source whose config names none, e.g. linux/arm64 (the config's wins)",
    )
    .option(
      '--collapse-source-duplicates',
      'take the first entry of each platform a source list names twice (else an error)',
    );
}

/** Adds `merge`'s own options. */
export function addMergeOptions(cmd: Command): Command {
  return cmd.option(
    '--create',
    "create a missing destination tag with the source's entries (else an error)",
  );
}

/** Adds `push`'s own options. */
export function addPushOptions(cmd: Command): Command {
  return cmd
    .option('-d, --dest <ref>', 'the tag to push to, e.g. quay.io/acme/app:1.2')
    .option(
      '-s, --src <ref>',
      'where to copy children the destination repository lacks from (default: nowhere)',
    )
    .option(
      '--expect-dest <digest>',
      "push only if the tag still holds DIGEST (the one the list was computed from); 'none': only if it does not exist",
      parseExpectDest,
    );
}

/** Adds `bulk`'s own options. */
export function addBulkOptions(cmd: Command): Command {
  addInputOptions(cmd);
  return cmd
    .option('--create', 'merge jobs: create a missing destination tag (else the job fails)')
    .option('--allow-empty', 'select jobs: accept archs none of which is in the source')
    .option('-c, --concurrency <n>', 'merges run at once (default 4)', parsePositiveInt)
    .option('--fail-fast', 'stop at the first failing job (the rest are skipped)')
    .option(
      '--shard <I/N>',
      'run only shard I of N (1 to N): jobs split by destination tag, so no two shards write one tag',
      parseShard,
    );
}

/** The cross-process write options of the library, from their flags. */
export function mergerProtocolOptions(opts: CommonOptions): {
  soleWriter?: boolean;
  settleTime?: number;
  newDestination?: boolean;
} {
  return {
    ...(opts.soleWriter ? { soleWriter: true } : {}),
    ...(opts.settleTime !== undefined ? { settleTime: opts.settleTime } : {}),
    ...(opts.newDestination ? { newDestination: true } : {}),
  };
}

/**
 * The `referrers` option of the library, from `--no-referrers`, `--referrer-type` and
 * `--referrer-depth` (none given: the library's default).
 *
 * @throws {UsageError} for `--no-referrers` with `--referrer-type` or `--referrer-depth`.
 */
export function mergerReferrerOptions(opts: CommonOptions): {
  referrers?: false | { artifactTypes?: string[]; depth?: number };
} {
  const types = opts.referrerType ?? [];
  const depth = opts.referrerDepth;
  if (opts.referrers === false) {
    if (types.length > 0 || depth !== undefined) {
      throw new UsageError(
        '--no-referrers copies no referrers; drop it, or drop --referrer-type/--referrer-depth',
      );
    }
    return { referrers: false };
  }
  if (types.length === 0 && depth === undefined) return {};
  return {
    referrers: {
      ...(types.length > 0 ? { artifactTypes: types } : {}),
      ...(depth !== undefined ? { depth } : {}),
    },
  };
}
