// The exit code of each error class (src/cli/exit-codes.ts).
import { describe, expect, it } from 'vitest';
import { ExitCode, exitCodeFor } from '../../../src/cli/exit-codes.js';
import { UsageError } from '../../../src/cli/usage-error.js';
import {
  AuthenticationError,
  ConflictError,
  DestinationNotFoundError,
  InvalidReferenceError,
  NotFoundError,
  RegistryError,
} from '../../../src/errors/index.js';

describe('exit codes', () => {
  it.each([
    [new ConflictError({ image: 'r/a:b', attempts: 5 }), ExitCode.CONFLICT],
    [new NotFoundError(), ExitCode.NOT_FOUND],
    [new DestinationNotFoundError({ image: 'r/a:b' }), ExitCode.NOT_FOUND],
    [new AuthenticationError({ reason: 'credentials-rejected' }), ExitCode.AUTH],
    [
      new InvalidReferenceError({ reference: 'A B', problem: 'contains whitespace' }),
      ExitCode.USAGE,
    ],
    [new UsageError('x'), ExitCode.USAGE],
    [new RegistryError({ status: 500 }), ExitCode.FAILED],
    [new Error('plain'), ExitCode.FAILED],
    ['a string', ExitCode.FAILED],
  ])('%o -> %i', (error, code) => {
    expect(exitCodeFor(error)).toBe(code);
  });
});
