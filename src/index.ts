// The one public surface of manifest-list-merger: re-exports only.

export * from './errors/index.js';
export * from './manifest/index.js';
export { isNotFoundError, type RegistryClient, type RequestOptions } from './registry/client.js';
