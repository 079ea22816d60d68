export { type ErrorOptions, ManifestListMergerError, sanitizeCause } from './base-error.js';
export { ClientsNotSetError } from './clients-not-set-error.js';
export { DestinationNotFoundError } from './destination-not-found-error.js';
export {
  InvalidManifestListError,
  type InvalidManifestListReason,
} from './invalid-manifest-list-error.js';
export { redact } from './redact.js';
