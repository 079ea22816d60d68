import { ManifestListMergerError, type MergerErrorOptions } from './base-error.js';

/**
 * A merge was started on a {@link ManifestListMerger} that lacks a source or a destination
 * client. Pass both to the constructor or call `setClients(src, dest)` first.
 *
 * @example
 * ```ts
 * const merger = new ManifestListMerger({ srcImage, destImage });
 * await merger.mergeManifestLists(); // throws ClientsNotSetError
 * merger.setClients(client, client);
 * await merger.mergeManifestLists(); // runs
 * ```
 */
export class ClientsNotSetError extends ManifestListMergerError {
  override readonly name = 'ClientsNotSetError' as const;
  override readonly code = 'CLIENTS_NOT_SET' as const;

  constructor(details: MergerErrorOptions = {}) {
    super(
      'A RegistryClient instance must be set for both the source and the destination image: pass srcClient and destClient, or call setClients(src, dest)',
      details,
    );
  }
}
