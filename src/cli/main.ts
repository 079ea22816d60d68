#!/usr/bin/env node
// The `manifest-list-merger` command: wires the process to runCli and exits with its code.

import { formatError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { type CliWritable, processIo, withWrite } from './io.js';
import { RequestAbortedError } from './library.js';
import { runCli } from './program.js';

const controller = new AbortController();
const io = processIo(controller.signal);
// `manifest-list-merger ... | head`: a reader that went away is not an error of ours, and no
// reason to stop half-way (a `bulk` run would leave jobs undone) or to exit 0 when something
// failed. Writes to a closed stream become no-ops; the run finishes and exits with its code.
const stderr = closable(process.stderr);
io.stderr = stderr;
io.stdout = closable(process.stdout, () =>
  stderr.write(
    'manifest-list-merger: warning: stdout was closed; the run goes on, its further output is dropped\n',
  ),
);

let interrupted = false;
const onSignal = (): void => {
  if (interrupted) process.exit(ExitCode.INTERRUPTED);
  interrupted = true;
  stderr.write('\nmanifest-list-merger: interrupted; stopping (Ctrl-C again to quit now)\n');
  // The library's own error, should a call hand the signal's reason on: ABORTED, exit 130.
  controller.abort(new RequestAbortedError());
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = interrupted && code !== ExitCode.OK ? ExitCode.INTERRUPTED : code;
  },
  (error: unknown) => {
    stderr.write(formatError(error, process.argv.includes('--verbose')));
    process.exitCode = ExitCode.FAILED;
  },
);

/**
 * `stream`, except that once its reader has gone (EPIPE, or a write after that), every write
 * is a no-op. `onClosed` runs once, when that happens.
 */
function closable(stream: NodeJS.WriteStream, onClosed?: () => void): CliWritable {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    if (closed) return;
    closed = true;
    onClosed?.();
  });
  return withWrite(stream, (chunk) => {
    if (closed || stream.destroyed) return true;
    return stream.write(chunk);
  });
}
