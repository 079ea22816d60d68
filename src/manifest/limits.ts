/**
 * 4 MiB: the largest manifest most registries accept; the default cap of
 * {@link HttpRegistryClient} (`maxManifestBytes`) and the cap on a list pushed as given
 * ({@link ManifestListMerger.pushManifestList}).
 */
export const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
