// A merger over one InMemoryRegistryClient holding a source and (maybe) a destination list.
import {
  InMemoryRegistryClient,
  type ManifestList,
  ManifestListMerger,
  type ManifestListMergerOptions,
} from '../../../src/index.js';

export const SRC = 'registry.test/acme/app:new';
export const DEST = 'registry.test/acme/app:1.0';

/** The registry holding `src` at {@link SRC} and `dest` at {@link DEST}, and a merger of the two. */
export function setupMerger(
  src: ManifestList,
  dest: ManifestList | undefined,
  extra: Partial<ManifestListMergerOptions> = {},
): { registry: InMemoryRegistryClient; merger: ManifestListMerger } {
  const registry = new InMemoryRegistryClient();
  registry.setManifest(SRC, src);
  if (dest) registry.setManifest(DEST, dest);
  const merger = new ManifestListMerger({
    srcImage: SRC,
    destImage: DEST,
    srcClient: registry,
    destClient: registry,
    ...extra,
  });
  return { registry, merger };
}

/** The manifest PUTs the registry saw. */
export const puts = (registry: InMemoryRegistryClient) =>
  registry.calls.filter((c) => c.method === 'put');
