// A RegistryClient of your own throwing the library's errors: each is built from one details
// object (domain values and `cause`), and writes its own message from them.
import {
  AuthenticationError,
  NetworkError,
  NotFoundError,
  RegistryError,
} from '../../src/index.js';

/** The library's error for a failed `GET url` of `image`: a status, or no answer at all. */
export function failure(image: string, url: string, status?: number, cause?: unknown): Error {
  if (status === undefined) return new NetworkError({ method: 'GET', url, cause }); // 'GET … failed: ECONNRESET'
  if (status === 404) return new NotFoundError({ reference: image, method: 'GET', url, status });
  if (status === 401) {
    return new AuthenticationError({ reason: 'credentials-rejected', method: 'GET', url, status });
  }
  return new RegistryError({ reference: image, method: 'GET', url, status, cause });
}
