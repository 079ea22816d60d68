import { ExitCode, exitCodeFor } from './exit-codes.js';

/** What to do about an error, by its `code`. */
const HINTS: Record<string, string> = {
  USAGE: "see 'manifest-list-merger --help'",
  INVALID_REFERENCE: 'write it as [host[:port]/]repository[:tag]',
  INVALID_OPTION: "see 'manifest-list-merger --help'",
  NOT_FOUND: 'check the reference, and that these credentials may read it',
  DESTINATION_NOT_FOUND:
    "'merge' needs an existing destination; create it with 'select --arch ARCH --push'",
  AUTHENTICATION_FAILED:
    'check the credentials: docker login, or --src-username/--dest-username with --src-password-stdin/--dest-password-stdin or MLM_SRC_PASSWORD/MLM_DEST_PASSWORD',
  CONFLICT: 'other writers kept changing the destination tag; run the command again',
  MISSING_CHILDREN: 'drop --no-copy-children to copy them, or push them to the destination first',
  INVALID_MANIFEST_LIST: 'both references must name a manifest list or an image index',
  TIMEOUT: 'the registry did not answer in time; check the network or raise --timeout',
  ABORTED: 'interrupted',
  NETWORK_ERROR:
    'check that the registry is reachable (host, port, proxy); --insecure HOST for plain HTTP',
  DIGEST_MISMATCH: 'the registry (or a proxy) returned other bytes than it named; try again',
  MANIFEST_TOO_LARGE: 'the manifest is larger than registries accept',
  INCOMPATIBLE_MEDIA_TYPE: 'the list needs an OCI image index for these fields',
};

/** The `code` of an error, if it has a string one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The message of an error on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The message of `error` for the CLI's user (library wording adjusted to the commands). */
export function errorMessage(error: unknown): string {
  const code = errorCode(error);
  if (code === 'DESTINATION_NOT_FOUND') {
    const image = (error as { image?: unknown }).image;
    return `destination '${String(image)}' does not exist`;
  }
  if (error instanceof Error) return oneLine(error.message);
  return oneLine(String(error));
}

/**
 * The error line the CLI prints on stderr: `manifest-list-merger: error: WHAT (CODE); HINT`.
 * One line; the stack only when `verbose`.
 */
export function formatError(error: unknown, verbose: boolean, command?: string): string {
  const code = errorCode(error);
  const hint =
    code === 'USAGE' && command !== undefined
      ? `see 'manifest-list-merger ${command} --help'`
      : code === undefined
        ? undefined
        : HINTS[code];
  const tag = code !== undefined && code !== 'USAGE' ? ` [${code}]` : '';
  const message = errorMessage(error).replace(/\.$/, '');
  let text = `manifest-list-merger: error: ${message}${tag}${hint ? `; ${hint}` : ''}\n`;
  if (verbose && error instanceof Error && error.stack) {
    text += `${error.stack}\n`;
    let cause = (error as { cause?: unknown }).cause;
    while (cause instanceof Error) {
      text += `caused by: ${cause.stack ?? cause.message}\n`;
      cause = (cause as { cause?: unknown }).cause;
    }
  }
  return text;
}

/** The `--json` form of an error: `{ error: { code, message, exitCode } }`. */
export function errorJson(error: unknown): Record<string, unknown> {
  const exitCode = exitCodeFor(error);
  return {
    error: {
      code: errorCode(error) ?? 'ERROR',
      message: errorMessage(error),
      exitCode: exitCode === ExitCode.OK ? ExitCode.FAILED : exitCode,
    },
  };
}
