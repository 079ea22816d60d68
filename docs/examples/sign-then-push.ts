// pubtools-quay's tag flow: compute the list, sign its digest, then push exactly what was
// signed, only if the tag has not moved since the list was computed.
import { ConflictError, HttpRegistryClient, ManifestListMerger } from '../../src/index.js';

/** Your signing service: signs a manifest digest (cosign, a Red Hat signing server, …). */
type Sign = (digest: string) => Promise<void>;

export async function signThenPush(sign: Sign): Promise<string> {
  const client = new HttpRegistryClient({ dockerConfig: true });
  const merger = new ManifestListMerger({
    srcImage: 'quay.io/acme/app:1.4-build',
    destImage: 'quay.io/acme/app:1.4',
    srcClient: client, // also where children the release repository lacks are copied from
    destClient: client,
  });
  try {
    // 1. Compute the list; nothing is pushed. `destinationDigest`: the tag it was computed from.
    const computed = await merger.mergeSelectedArchitectures(['amd64', 'arm64']);
    // 2. Sign its digest: sha256 of `computed.bytes`, the bytes that will be pushed.
    await sign(computed.digest);
    // 3. Push those very bytes, unless the tag moved meanwhile (then: compute and sign again).
    const pushed = await merger.pushManifestList(computed.bytes, {
      expectDestinationDigest: computed.destinationDigest,
    });
    return pushed.digest; // === computed.digest
  } catch (error) {
    if (error instanceof ConflictError && error.operation === 'push') {
      console.error(`the tag moved (${error.reason}): compute, sign and push again`);
    }
    throw error;
  } finally {
    client.close();
  }
}
