// A single-image manifest as a side of a merge: its platform read from its config blob
// (bounded), and the one-entry list that stands for it.
import { DigestMismatchError } from '../errors/digest-mismatch-error.js';
import { UnknownPlatformError } from '../errors/unknown-platform-error.js';
import { UnsupportedOperationError } from '../errors/unsupported-operation-error.js';
import { digestOf } from '../manifest/digest.js';
import { listOfImage, platformOfConfig, type SingleImage } from '../manifest/image.js';
import { formatPlatform, platformKey } from '../manifest/platform.js';
import type { Descriptor, FetchedManifest, Platform } from '../manifest/types.js';
import type { RegistryClient } from '../registry/client.js';
import type { Side } from './plan-publish.js';

/** The largest config blob read for a single image's platform: 1 MiB (configs are a few KiB). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Where a single image was read, and what to fall back on. */
export interface SingleImageContext {
  client: RegistryClient;
  /** The reference the image was read from. */
  image: string;
  side: 'source' | 'destination';
  /** The platform to use when the config names none (the source's `platform` option). */
  fallback: Platform | undefined;
  signal: AbortSignal | undefined;
  /** Platforms already read, by config digest (a side is read again during a publish). */
  cache: Map<string, Platform | undefined>;
}

/**
 * The side for a single-image manifest: a one-entry list with the image's exact digest,
 * size and media type and the platform its config names (else `ctx.fallback`). A fallback
 * the config contradicts is not used, and a warning says so.
 *
 * @throws {UnknownPlatformError} when the platform cannot be read and there is no fallback,
 *   or the config is too large or not a JSON object of its size.
 * @throws {UnsupportedOperationError} when the client has no `getBlob` and there is no fallback.
 * @throws {DigestMismatchError} when the config's bytes are not its digest's.
 */
export async function singleImageSide(
  fetched: FetchedManifest,
  image: SingleImage,
  ctx: SingleImageContext,
): Promise<Side> {
  const { config } = image;
  const fail = (reason: UnknownPlatformError['reason'], problem: string): never => {
    throw new UnknownPlatformError({
      image: ctx.image,
      side: ctx.side,
      reason,
      problem,
      configDigest: config?.digest,
    });
  };
  if (config === undefined) return fail('no-config', 'its manifest names no valid config');
  const side = (platform: Platform, warnings: string[] = []): Side => ({
    fetched,
    list: listOfImage(image, platform),
    singleImage: true,
    warnings,
  });
  if (!ctx.client.getBlob) {
    if (ctx.fallback) return side(ctx.fallback);
    throw new UnsupportedOperationError({
      method: 'getBlob',
      purpose: `read the platform of the single image '${ctx.image}' from its config`,
    });
  }
  let platform: Platform | undefined;
  if (ctx.cache.has(config.digest)) platform = ctx.cache.get(config.digest);
  else {
    platform = await readPlatform(ctx.client, config, ctx, fail);
    ctx.cache.set(config.digest, platform);
  }
  if (platform === undefined) {
    if (ctx.fallback) return side(ctx.fallback);
    const ask = ctx.side === 'source' ? '; say which platform it is for' : '';
    return fail('no-platform', `its config names no os and architecture${ask}`);
  }
  const ignored =
    ctx.fallback !== undefined && platformKey(ctx.fallback) !== platformKey(platform)
      ? [
          `The ${ctx.side} '${ctx.image}' is a single image for ${describe(platform)}, as its config says; the platform option (${describe(ctx.fallback)}) was not used`,
        ]
      : [];
  return side(platform, ignored);
}

/** The platform the config blob names (`undefined`: none), read whole but never past the cap. */
async function readPlatform(
  client: RegistryClient,
  config: Descriptor,
  ctx: SingleImageContext,
  fail: (reason: UnknownPlatformError['reason'], problem: string) => never,
): Promise<Platform | undefined> {
  if (config.size > MAX_CONFIG_BYTES) {
    return fail(
      'config-too-large',
      `its config is ${config.size} bytes, more than the ${MAX_CONFIG_BYTES} a config may be`,
    );
  }
  const blob = await (client.getBlob as NonNullable<RegistryClient['getBlob']>)(
    ctx.image,
    config.digest,
    { signal: ctx.signal },
  );
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Leaving the loop early closes the stream (its iterator's return()).
  for await (const chunk of blob.stream) {
    total += chunk.byteLength;
    if (total > config.size) break;
    chunks.push(chunk);
  }
  if (total !== config.size) {
    return fail(
      'invalid-config',
      `its config blob ${total > config.size ? 'is larger than' : `is ${total} bytes, not`} the ${config.size} bytes its descriptor says`,
    );
  }
  const bytes = new Uint8Array(Buffer.concat(chunks));
  const actual = digestOf(bytes, config.digest);
  if (actual !== config.digest) {
    throw new DigestMismatchError({
      kind: 'blob',
      expected: config.digest,
      actual,
      source: 'reference',
      reference: ctx.image,
      method: 'GET',
    });
  }
  const read = platformOfConfig(bytes);
  if (!read.ok) return fail('invalid-config', read.problem);
  return read.platform;
}

function describe(platform: Platform): string {
  return formatPlatform({ mediaType: '', digest: '', size: 0, platform });
}
