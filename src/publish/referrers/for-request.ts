// The referrer machinery of one write to the destination tag: the copier that makes
// referrers follow copied manifests, and the check of the signatures the write leaves behind.
import { repositoryKey } from '../../manifest/reference.js';
import type { WriteCopyContext } from '../children.js';
import type { TagRequest } from '../request.js';
import { ReferrerCopier } from './copy.js';
import { StaleSignatureCheck } from './stale.js';

/** What a write does about referrers; each part `undefined` when it does nothing. */
export interface ReferrerParts {
  /** Referrers follow copied manifests: not with `referrers: false`, `copyChildren: false`, or within one repository. */
  copier: ReferrerCopier | undefined;
  /** The old list's signatures, which a changed tag leaves behind: not with `referrers: false`. */
  stale: StaleSignatureCheck | undefined;
}

/**
 * The referrer parts of `request`, their requests bounded by the write's limiter, and their
 * blobs in the write's ledger (`copy`, shared with the children copy).
 */
export function referrerParts(request: TagRequest, copy: WriteCopyContext): ReferrerParts {
  const { limiter, blobs } = copy;
  const { srcClient, srcImage, destClient, destImage, settings, call } = request;
  const { referrers, logger } = settings;
  if (!referrers.enabled) return { copier: undefined, stale: undefined };
  const across = repositoryKey(srcImage) !== repositoryKey(destImage);
  const copier =
    settings.copyChildren && across
      ? new ReferrerCopier({
          srcClient,
          srcImage,
          destClient,
          destImage,
          limiter,
          blobs,
          maxIndexDepth: settings.maxIndexDepth,
          signal: call.signal,
          logger,
          settings: referrers,
        })
      : undefined;
  const stale = new StaleSignatureCheck({
    client: destClient,
    image: destImage,
    limiter,
    signal: call.signal,
  });
  return { copier, stale };
}
