// Merges over the in-memory client, for the unit tests of src/publish/: the two tags, a merger
// between them, the writes a merge made, images and indexes stored in a build repository, and
// another writer's moves scripted in between a merge's own requests.
import {
  computeDigest,
  InMemoryRegistryClient,
  type ManifestDescriptor,
  type ManifestList,
  ManifestListMerger,
  type ManifestListMergerOptions,
  parseManifestList,
  type RegistryClient,
} from '../../src/index.js';
import { OCI_IMAGE_INDEX, OCI_IMAGE_MANIFEST } from '../../src/manifest/media-types.js';
import { image, list } from './fixtures.js';

/** The source tag of {@link merger}. */
export const SRC = 'registry.test/acme/app:build';
/** The destination tag of {@link merger}. */
export const DEST = 'registry.test/acme/app:1.0';
/** Another repository of the same registry, where children are built. */
export const BUILD_REPO = 'registry.test/build/app';
/** A source list in {@link BUILD_REPO}: merging it into {@link DEST} copies its children. */
export const BUILD = `${BUILD_REPO}:s390x`;

/** A merger from {@link SRC} into {@link DEST} over `client`, with a short settle window. */
export function merger(client: RegistryClient, extra: Partial<ManifestListMergerOptions> = {}) {
  return new ManifestListMerger({
    srcImage: SRC,
    destImage: DEST,
    srcClient: client,
    destClient: client,
    settleTime: 5,
    referrers: false, // the tests of the write protocol count its requests alone
    ...extra,
  });
}

/** A registry holding `src` at {@link SRC} and, when given, `dest` at {@link DEST}. */
export function setup(src: ManifestList | string, dest?: ManifestList, options = {}) {
  const registry = new InMemoryRegistryClient(options);
  registry.setManifest(SRC, src);
  if (dest) registry.setManifest(DEST, dest);
  return registry;
}

/** The calls of `r` that wrote something: manifest PUTs, blob uploads and mounts. */
export const writes = (r: InMemoryRegistryClient) =>
  r.calls.filter((c) => c.method === 'put' || c.method === 'putBlob' || c.method === 'mountBlob');

/** What {@link DEST} holds now. */
export async function tag(registry: InMemoryRegistryClient): Promise<ManifestList> {
  return parseManifestList((await registry.getManifest(DEST)).bytes);
}

/** Another writer's push: the tag becomes `manifests`. */
export function write(registry: InMemoryRegistryClient, manifests: ManifestDescriptor[]): void {
  registry.setManifest(DEST, list(manifests));
}

/** One merge into another tag of the same registry, so this process has measured it. */
export async function warmUp(registry: InMemoryRegistryClient): Promise<void> {
  registry.setManifest(`${DEST}-warm`, list([image('s390x')]));
  await merger(registry, { destImage: `${DEST}-warm`, soleWriter: true }).mergeManifestLists();
}

/** Another writer's moves, scripted in between the merge's calls. */
export type Hooks = {
  /** After the n-th getManifest of `image` (1-based) resolved. */
  afterGet?: (image: string, n: number) => Promise<void> | void;
  /** Before the n-th putManifest reaches the registry. */
  beforePut?: (n: number) => Promise<void> | void;
  /** After the n-th putManifest landed, before its answer reaches the merger. */
  afterPut?: (n: number) => Promise<void> | void;
  /** Replaces the n-th putManifest's outcome by throwing this, after it landed (or not). */
  putError?: (n: number) => { error: unknown; landed: boolean } | undefined;
  head?: RegistryClient['headManifest'];
};

/** `registry` with another writer's moves scripted in between the merge's calls. */
export function scripted(registry: InMemoryRegistryClient, hooks: Hooks): RegistryClient {
  const gets = new Map<string, number>();
  let puts = 0;
  return {
    async getManifest(img, o) {
      const result = await registry.getManifest(img, o);
      const n = (gets.get(img) ?? 0) + 1;
      gets.set(img, n);
      await hooks.afterGet?.(img, n);
      return result;
    },
    headManifest: hooks.head ?? ((img, o) => registry.headManifest(img, o)),
    async putManifest(img, bytes, mediaType, o) {
      puts += 1;
      const n = puts;
      await hooks.beforePut?.(n);
      const failure = hooks.putError?.(n);
      if (failure && !failure.landed) throw failure.error;
      const digest = await registry.putManifest(img, bytes, mediaType, o);
      await hooks.afterPut?.(n);
      if (failure) throw failure.error;
      return digest;
    },
  };
}

/** How many calls of a {@link counted} client run at once, and the most that ever did. */
export interface InFlight {
  inFlight: number;
  max: number;
}

/** `registry` with every call held 2 ms and counted in `stats` (one `stats` may serve two). */
export function counted(registry: InMemoryRegistryClient, stats: InFlight): InMemoryRegistryClient {
  return new Proxy(registry, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'calls') return value;
      return async (...args: unknown[]) => {
        stats.inFlight++;
        stats.max = Math.max(stats.max, stats.inFlight);
        await new Promise((r) => setTimeout(r, 2));
        try {
          return await value.apply(target, args);
        } finally {
          stats.inFlight--;
        }
      };
    },
  });
}

/** Stores `bytes` in the build repository by digest (of `algorithm`); returns its descriptor. */
export function storeChild(
  registry: InMemoryRegistryClient,
  bytes: Uint8Array | string,
  mediaType: string,
  algorithm = 'sha256',
): ManifestDescriptor {
  const digest = computeDigest(bytes, algorithm);
  registry.setManifest(`${BUILD_REPO}@${digest}`, bytes, mediaType);
  return { mediaType, digest, size: typeof bytes === 'string' ? bytes.length : bytes.byteLength };
}

/** Options of {@link storeImage}. */
export interface StoredImageOptions {
  /** The digest algorithm of the manifest and its blobs. @default 'sha256' */
  algorithm?: string;
  /** @default OCI_IMAGE_MANIFEST */
  mediaType?: string;
  /** How many layer blobs it names (besides its config blob). @default 1 */
  layers?: number;
  /** When given, the descriptor carries the platform linux/`architecture`. */
  architecture?: string;
}

/**
 * An image manifest (a config blob and `layers` layer blobs, made from `label`) stored in the
 * build repository by digest; returns its descriptor.
 */
export function storeImage(
  registry: InMemoryRegistryClient,
  label: string,
  {
    algorithm = 'sha256',
    mediaType = OCI_IMAGE_MANIFEST,
    layers = 1,
    architecture,
  }: StoredImageOptions = {},
): ManifestDescriptor {
  const blob = (type: string, text: string) => ({
    mediaType: type,
    digest: registry.setBlob(BUILD, text, algorithm),
    size: text.length,
  });
  const bytes = JSON.stringify({
    schemaVersion: 2,
    mediaType,
    config: blob('application/vnd.oci.image.config.v1+json', `${label}-config`),
    layers: Array.from({ length: layers }, (_, i) =>
      blob('application/vnd.oci.image.layer.v1.tar', `${label}-layer-${i}`),
    ),
  });
  const stored = storeChild(registry, bytes, mediaType, algorithm);
  return architecture === undefined
    ? stored
    : { ...stored, platform: { os: 'linux', architecture } };
}

/** An index naming `children`, stored in the build repository. */
export function storeIndex(registry: InMemoryRegistryClient, children: ManifestDescriptor[]) {
  return storeChild(
    registry,
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_IMAGE_INDEX, manifests: children }),
    OCI_IMAGE_INDEX,
  );
}

/** A chain of `levels` nested indexes above one image; returns the outermost and each level. */
export function chain(registry: InMemoryRegistryClient, levels: number) {
  let child = storeImage(registry, 'bottom');
  const indexes: ManifestDescriptor[] = [];
  for (let i = 0; i < levels; i++) {
    child = storeIndex(registry, [child]);
    indexes.unshift(child); // outermost first
  }
  return { top: child, indexes };
}

/** The source list (at {@link BUILD}) naming `child` as linux/s390x, and a destination at DEST. */
export function lists(registry: InMemoryRegistryClient, child: ManifestDescriptor) {
  registry.setManifest(BUILD, {
    schemaVersion: 2,
    mediaType: OCI_IMAGE_INDEX,
    manifests: [{ ...child, platform: { os: 'linux', architecture: 's390x' } }],
  });
  registry.setManifest(DEST, {
    schemaVersion: 2,
    mediaType: OCI_IMAGE_INDEX,
    manifests: [
      {
        mediaType: OCI_IMAGE_MANIFEST,
        digest: computeDigest('amd64'),
        size: 5,
        platform: { os: 'linux', architecture: 'amd64' },
      },
    ],
  });
}

/** A merge (the merge mode) from {@link BUILD} into `destImage`, over one client or two. */
export const merge = (
  srcClient: InMemoryRegistryClient,
  destClient = srcClient,
  destImage = DEST,
) => merger(srcClient, { srcImage: BUILD, destImage, destClient }).mergeManifestLists();

/** A registry holding `src` at {@link SRC} and `dest` at {@link DEST}, and a merger of the two. */
export function setupMerger(
  src: ManifestList,
  dest: ManifestList | undefined,
  extra: Partial<ManifestListMergerOptions> = {},
): { registry: InMemoryRegistryClient; merger: ManifestListMerger } {
  const registry = setup(src, dest);
  return { registry, merger: merger(registry, extra) };
}

/** The manifest PUTs `registry` saw. */
export const puts = (registry: InMemoryRegistryClient) =>
  registry.calls.filter((c) => c.method === 'put');
