// pubtools-quay's ManifestListMerger, line by line, in manifest-list-merger.
import {
  addMissingArchitectures,
  getMissingArchitectures,
  HttpRegistryClient,
  type ManifestList,
  ManifestListMerger,
  selectArchitectures,
} from '../../src/index.js';

export async function migrated(): Promise<void> {
  // ManifestListMerger(src_image, dest_image, src_quay_username=..., src_quay_password=...,
  //                    dest_quay_username=..., dest_quay_password=..., host=...)
  const merger = new ManifestListMerger({
    srcImage: 'quay.io/acme/app:1.4-s390x',
    destImage: 'quay.io/acme/app:1.4',
    srcUsername: 'acme+build',
    srcPassword: process.env['SRC_QUAY_TOKEN'],
    destUsername: 'acme+release',
    destPassword: process.env['DEST_QUAY_TOKEN'],
    // pubtools-quay matched on the architecture string alone; keep that while migrating,
    // then drop this line for platform matching (linux/arm/v6 and linux/arm/v7 are two).
    match: 'architecture',
    logger: console, // pubtools-quay's four info lines
  });

  // merger.set_quay_clients(src_client, dest_client)
  const client = new HttpRegistryClient({ dockerConfig: true });
  merger.setClients(client, client);

  // merger.merge_manifest_lists(): returned None; here a result, and no push when unchanged.
  const merged = await merger.mergeManifestLists();
  console.log(merged.outcome === 'pushed' ? `pushed ${merged.digest}` : 'unchanged');

  // new_list = merger.merge_manifest_lists_selected_architectures(["amd64", "arm64"])
  // ...sign it, then upload it yourself. Here: compute (nothing written), sign the digest,
  // then push; the bytes are deterministic, so the pushed digest is the signed one unless
  // the destination changed in between.
  const selected = await merger.mergeSelectedArchitectures(['amd64', 'arm64']);
  await sign(selected.digest);
  const pushed = await merger.mergeSelectedArchitectures(['amd64', 'arm64'], { push: true });
  if (pushed.digest !== selected.digest) throw new Error('the destination moved: sign again');
}

// ManifestListMerger.get_missing_architectures(src, dest) and
// merger._add_missing_architectures(src, missing): pure functions here.
export function pure(src: ManifestList, dest: ManifestList): ManifestList[] {
  const missing = getMissingArchitectures(src, dest, { match: 'architecture' });
  return [
    addMissingArchitectures(src, missing),
    selectArchitectures(src, dest, ['amd64'], { match: 'architecture' }),
  ];
}

async function sign(digest: string): Promise<void> {
  console.log(`signing ${digest}`);
}
