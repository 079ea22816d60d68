// Fold a build's platforms into a release tag from a Node release script:
//   node release.js quay.io/acme/app:1.4-s390x quay.io/acme/app:1.4
// A dry run first (refusing to drop a platform), then the push; one JSON line on stdout; the
// exit codes of the manifest-list-merger command.
import {
  AuthenticationError,
  ConflictError,
  DestinationNotFoundError,
  HttpRegistryClient,
  InvalidOptionError,
  InvalidReferenceError,
  ManifestListMerger,
  ManifestListMergerError,
  type MergeResult,
  MissingChildrenError,
  NotFoundError,
  RequestAbortedError,
} from '../../src/index.js';

/** The exit codes of the `manifest-list-merger` command, by error class. */
function exitCodeFor(error: unknown): number {
  if (error instanceof InvalidReferenceError || error instanceof InvalidOptionError) return 2;
  if (error instanceof ConflictError) return 3;
  if (error instanceof NotFoundError || error instanceof DestinationNotFoundError) return 4;
  if (error instanceof AuthenticationError) return 5;
  if (error instanceof RequestAbortedError) return 130;
  return 1;
}

/** What the script prints: the result without the list and its bytes. */
function summary(result: MergeResult): Record<string, unknown> {
  return {
    digest: result.digest,
    mediaType: result.mediaType,
    outcome: result.outcome,
    fromSource: result.fromSource,
    fromDestination: result.fromDestination,
    replaced: result.plan.replaced.map((e) => `${e.platform} ${e.previousDigest} -> ${e.digest}`),
    childrenToCopy: result.childrenToCopy,
  };
}

export async function release(srcImage: string, destImage: string): Promise<number> {
  // CI credentials from the environment; otherwise what `docker login` stored.
  const user = process.env['RELEASE_USER'];
  const token = process.env['RELEASE_TOKEN'];
  const client = new HttpRegistryClient(
    user && token ? { username: user, password: token } : { dockerConfig: true },
  );
  // Ctrl-C aborts every request in flight; nothing half-done is pushed.
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  try {
    const merger = new ManifestListMerger({
      srcImage,
      destImage,
      srcClient: client,
      destClient: client,
      logger: { info: (line) => console.error(line), warn: (line) => console.error(line) },
    });

    // 1. Dry run: reads only. Refuse a merge that would drop a platform of the release tag.
    const dry = await merger.mergeManifestLists({ dryRun: true, signal: controller.signal });
    const lost = dry.plan.removed.filter((e) => e.kind === 'image');
    if (lost.length > 0) {
      console.error(`refusing: would remove ${lost.map((e) => e.platform).join(', ')}`);
      return 1;
    }

    // 2. The real merge: copies missing children, skips a no-op, protects against other writers.
    const result = await merger.mergeManifestLists({ signal: controller.signal });
    console.log(JSON.stringify(summary(result)));
    return 0;
  } catch (error) {
    if (error instanceof MissingChildrenError) {
      console.error(`missing in the destination repository:\n${error.digests.join('\n')}`);
    }
    // Every error of the library has a stable `code` and a message free of credentials.
    const code = error instanceof ManifestListMergerError ? error.code : 'ERROR';
    const message = error instanceof Error ? error.message : String(error);
    console.log(JSON.stringify({ error: { code, message } }));
    return exitCodeFor(error);
  } finally {
    client.close();
  }
}

const [src, dest] = process.argv.slice(2);
if (src !== undefined && dest !== undefined) {
  process.exitCode = await release(src, dest);
}
