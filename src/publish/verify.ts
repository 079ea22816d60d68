// After a PUT: what other writers pushed meanwhile, and whether what was promised is in the tag.
import { ConflictError, type ConflictOperation } from '../errors/conflict-error.js';
import { log } from '../logger.js';
import { parseManifestListWithDuplicates } from '../manifest/parse.js';
import { withDigest } from '../manifest/reference.js';
import type { ManifestList } from '../manifest/types.js';
import { type Contribution, contributionsOf, lostContributions } from '../merge/contributions.js';
import { unlessNotFound } from '../registry/capabilities.js';
import { sleep } from '../util/sleep.js';
import type { DestRead, SideReader } from './read-sides.js';
import type { TagRequest } from './request.js';

/** Reads, a settle window apart, that a push waits for the tag to stay still under contention. */
const MAX_QUIET_CHECKS = 5;

/**
 * The contributions of the lists other writers pushed while our PUT was in flight (`foreign`
 * digests not in `seen`, which this adds them to): entries their PUT added to `base` that are
 * not ours (`exclude`). A list that cannot be read any more is a {@link ConflictError}
 * (`unverifiable`) naming `atRisk`: its entries may be lost.
 */
export async function otherWritersContributions(
  request: TagRequest,
  foreign: readonly string[],
  seen: Set<string>,
  context: {
    base: ManifestList | undefined;
    exclude: ReadonlySet<string>;
    attempt: number;
    /** What is writing, for the error's words. @default 'merge' */
    operation?: ConflictOperation;
  },
  atRisk: () => string[],
): Promise<Contribution[]> {
  const others: Contribution[] = [];
  const { match } = request.settings;
  for (const digest of foreign) {
    if (seen.has(digest)) continue;
    seen.add(digest);
    const theirs = await readOtherWriter(request, digest, context, atRisk());
    if (theirs) {
      others.push(
        ...contributionsOf(theirs, { base: context.base, exclude: context.exclude, match }),
      );
    }
  }
  return others;
}

/**
 * The list another writer pushed, by digest; `undefined` when it is not a list. A list that
 * cannot be read any more means its entries may be lost.
 */
async function readOtherWriter(
  request: TagRequest,
  digest: string,
  context: { attempt: number; operation?: ConflictOperation },
  atRisk: string[],
): Promise<ManifestList | undefined> {
  const { destClient, destImage, call, settings } = request;
  const image = withDigest(destImage, digest);
  const unverifiable = {
    image: destImage,
    attempts: context.attempt,
    reason: 'unverifiable',
    platforms: atRisk,
    operation: context.operation ?? 'merge',
  } as const;
  let fetched: Awaited<ReturnType<typeof destClient.getManifest>> | undefined;
  try {
    fetched = await unlessNotFound(() => destClient.getManifest(image, { signal: call.signal }));
  } catch (error) {
    throw new ConflictError({ ...unverifiable, cause: error });
  }
  if (fetched === undefined) throw new ConflictError(unverifiable);
  try {
    // Duplicates included: contributions take the first entry of a platform, as runtimes do.
    return parseManifestListWithDuplicates(fetched.bytes);
  } catch {
    log(settings.logger, 'warn', `Another writer pushed ${digest}, which is not a list; ignored`);
    return undefined;
  }
}

/**
 * Reads the tag back after a push and tells which `promised` contributions are missing from
 * it. When others wrote after us (the tag is neither our `pushed` digest nor still), writers
 * are at work, and one that read before our PUT landed may land later still: the tag is read
 * again a settle window later, until it stays still, at most {@link MAX_QUIET_CHECKS} times.
 */
export async function readBack(
  reader: SideReader,
  promised: readonly Contribution[],
  pushed: string,
  settleMs: number,
  request: TagRequest,
): Promise<{ current: DestRead; missing: Contribution[] }> {
  const { match } = request.settings;
  let current = await reader.dest();
  let missing = lostContributions(current.side?.list, promised, match);
  for (let more = 0; more < MAX_QUIET_CHECKS && missing.length === 0; more++) {
    if (current.observed.digest === pushed) break;
    await sleep(settleMs, { signal: request.call.signal });
    const next = await reader.dest();
    const still = next.observed.digest === current.observed.digest;
    current = next;
    missing = lostContributions(current.side?.list, promised, match);
    if (still) break;
  }
  return { current, missing };
}
