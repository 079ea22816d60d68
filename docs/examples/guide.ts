// The snippets of docs/guide.md, type-checked. Not meant to be run as a whole.
import { HttpRegistryClient, ManifestListMerger } from '../../src/index.js';

const client = new HttpRegistryClient({ dockerConfig: true });
const merger = new ManifestListMerger({
  srcImage: 'quay.io/acme/app:1.4-s390x',
  destImage: 'quay.io/acme/app:1.4',
  srcClient: client, // one client may serve both sides
  destClient: client,
});

// merge: every source entry, plus the destination's other platforms; pushed.
const merged = await merger.mergeManifestLists();
console.log(merged.outcome, merged.digest, merged.fromSource, merged.fromDestination);

// select: only s390x from the source; the list is returned, not pushed...
const selected = await merger.mergeSelectedArchitectures(['s390x']);
console.log(selected.manifestList, selected.digest);
// ...unless asked. The destination may not exist yet.
await merger.mergeSelectedArchitectures(['s390x'], { push: true });

// pubtools-quay's construction: an HttpRegistryClient is built per side from its credentials.
const pubtoolsStyle = new ManifestListMerger({
  srcImage: 'quay.io/acme/app:1.4-s390x',
  destImage: 'quay.io/acme/app:1.4',
  srcUsername: 'acme+build',
  srcPassword: process.env['SRC_TOKEN'],
  destUsername: 'acme+release',
  destPassword: process.env['DEST_TOKEN'],
  // srcHost / host: optional registry host overrides (see below)
});

// A dry run reads and plans; nothing is written.
const plan = await pubtoolsStyle.mergeManifestLists({ dryRun: true });
for (const e of plan.plan.replaced)
  console.log(`${e.platform}: ${e.previousDigest} -> ${e.digest}`);
console.log('would copy', plan.childrenToCopy, 'would push', plan.digest, plan.mediaType);

// Give up after a minute: every request in flight is aborted, nothing half-done is pushed.
await pubtoolsStyle.mergeManifestLists({ signal: AbortSignal.timeout(60_000) });

// Credentials per registry host, from your own secret store.
const perHost = new HttpRegistryClient({
  credentials: async (host) =>
    host === 'quay.io' ? { username: 'acme+ci', password: await readSecret('quay') } : undefined,
  containersAuth: true, // for every other host: podman's auth.json,
  dockerConfig: true, // then Docker's config.json
});

async function readSecret(name: string): Promise<string> {
  return process.env[`SECRET_${name.toUpperCase()}`] ?? '';
}
console.log(perHost.requestCounts);
