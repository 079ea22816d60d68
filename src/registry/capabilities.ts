import {
  isNotFoundError,
  type ManifestHead,
  type RegistryClient,
  type RequestOptions,
  statusOf,
} from './client.js';

/**
 * What a manifest is, asked as cheaply as the client allows: `headManifest` when it has one,
 * else `getManifest`. A HEAD answered 404 or 403 is confirmed with a GET before it counts:
 * Nexus has answered HEAD with 404 and Artifactory with 403 where GET works. Throws the
 * client's not-found error when the manifest really is absent.
 *
 * @example
 * ```ts
 * const { digest } = await headOrGet(client, 'quay.io/ns/app:1.0');
 * ```
 */
export async function headOrGet(
  client: RegistryClient,
  image: string,
  options: RequestOptions = {},
): Promise<ManifestHead> {
  if (client.headManifest) {
    try {
      return await client.headManifest(image, options);
    } catch (error) {
      if (!isNotFoundError(error) && statusOf(error) !== 403) throw error;
    }
  }
  const fetched = await client.getManifest(image, options);
  return { digest: fetched.digest, mediaType: fetched.mediaType, size: fetched.bytes.byteLength };
}

/**
 * Runs `read`, resolving `undefined` when it throws a not-found error (see
 * {@link isNotFoundError}); every other error propagates.
 *
 * @example
 * ```ts
 * const dest = await unlessNotFound(() => client.getManifest(tag)); // undefined when absent
 * ```
 */
export async function unlessNotFound<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isNotFoundError(error)) return undefined;
    throw error;
  }
}
