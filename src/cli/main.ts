#!/usr/bin/env node
// The `manifest-list-merger` command: wires the process to runCli and exits with its code.

import { ExitCode } from './exit-codes.js';
import { processIo } from './io.js';
import { runCli } from './program.js';

const controller = new AbortController();
let interrupted = false;
const onSignal = (): void => {
  if (interrupted) process.exit(ExitCode.INTERRUPTED);
  interrupted = true;
  process.stderr.write(
    '\nmanifest-list-merger: interrupted; stopping (Ctrl-C again to quit now)\n',
  );
  controller.abort(new Error('interrupted'));
};
// `manifest-list-merger ... | head`: a reader that went away is not an error of ours.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.OK);
    throw error;
  });
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

runCli(process.argv.slice(2), processIo(controller.signal)).then(
  (code) => {
    process.exitCode = interrupted && code !== ExitCode.OK ? ExitCode.INTERRUPTED : code;
  },
  (error: unknown) => {
    process.stderr.write(`manifest-list-merger: error: ${String(error)}\n`);
    process.exitCode = ExitCode.FAILED;
  },
);
