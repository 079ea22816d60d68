// The words of the errors a push of given bytes throws: what happened, and that the bytes
// cannot be merged again (a merge's errors keep their words).
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  type ConflictErrorDetails,
  IncompatibleMediaTypeError,
  MissingChildrenError,
} from '../../../src/index.js';

const D1 = `sha256:${'1'.repeat(64)}`;
const D2 = `sha256:${'2'.repeat(64)}`;
const IMAGE = 'quay.io/acme/app:1.0';

/** A push's ConflictError with `details`. */
const conflict = (details: Partial<ConflictErrorDetails>) =>
  new ConflictError({ image: IMAGE, attempts: 1, operation: 'push', ...details });

describe('errors of a push of given bytes', () => {
  it.each<[string, () => Error, RegExp]>([
    [
      'another digest than expected',
      () => conflict({ reason: 'unexpected-digest', expectedDigest: D1, actualDigest: D2 }),
      new RegExp(
        `'quay\\.io/acme/app:1\\.0' holds ${D2} \\(expected ${D1}\\): the list was computed from another state of the tag; nothing was pushed: compute the list again`,
      ),
    ],
    [
      'a tag where none was expected',
      () => conflict({ reason: 'unexpected-digest', expectedDigest: null, actualDigest: D2 }),
      new RegExp(`holds ${D2} \\(expected no tag\\)`),
    ],
    [
      'no tag where one was expected',
      () => conflict({ reason: 'unexpected-digest', expectedDigest: D1, actualDigest: null }),
      new RegExp(`does not exist \\(expected ${D1}\\)`),
    ],
    [
      'a tag that moved before the PUT',
      () => conflict({ reason: 'moving' }),
      /changed while the list was being pushed .*nothing was pushed: compute the list again from the tag as it is now, and sign and push that$/,
    ],
    [
      'entries lost around the PUT',
      () => conflict({ reason: 'overwritten', platforms: ['linux/amd64'] }),
      /overwrote each other; at risk: linux\/amd64: compute the list again/,
    ],
    [
      'a merge keeps its words',
      () => new ConflictError({ image: IMAGE, attempts: 3, reason: 'moving' }),
      /kept changing under this merge \(3 attempts\).*: run the merge again$/,
    ],
    [
      'children and no source to copy them from',
      () => new MissingChildrenError({ image: IMAGE, digests: [D1], reason: 'no-source' }),
      /lacks 1 manifest\(s\) .*; name a source repository that holds them, or push them first$/,
    ],
    [
      'children with copying off',
      () => new MissingChildrenError({ image: IMAGE, digests: [D1] }),
      /; allow copyChildren or push them first$/,
    ],
    [
      'a Docker list pushed as given',
      () => new IncompatibleMediaTypeError({ fields: ['annotations'], exactBytes: true }),
      /cannot carry annotations: a list pushed as given cannot be converted; build it as an OCI image index$/,
    ],
  ])('%s', (_, make, message) => {
    expect(make().message).toMatch(message);
  });

  it('a push conflict carries its operation and digests', () => {
    const error = conflict({ reason: 'unexpected-digest', expectedDigest: null, actualDigest: D2 });
    expect(error.toJSON()).toMatchObject({
      operation: 'push',
      expectedDigest: null,
      actualDigest: D2,
      reason: 'unexpected-digest',
    });
    expect(new ConflictError({ image: IMAGE, attempts: 1 }).operation).toBe('merge');
  });
});
