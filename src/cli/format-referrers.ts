import type { MergeResult } from './library.js';

/** The summary lines about referrers: what was copied (or would be), kept, left past the depth. */
export function referrerLines(result: MergeResult): string[] {
  const lines: string[] = [];
  const report = result.referrers;
  if (report && report.manifests.length > 0) {
    const n = report.manifests.length;
    const tags = report.tags.length;
    lines.push(
      result.outcome === 'pushed'
        ? `  copied ${n} referrer(s) (signatures, attestations, SBOMs) into the destination repository; wrote ${tags} tag(s)`
        : `  a push would also copy ${n} referrer(s) (signatures, attestations, SBOMs) and write ${tags} tag(s)`,
    );
  }
  if (report && report.keptTags.length > 0) {
    lines.push(
      `  kept ${report.keptTags.length} cosign tag(s) the destination already held with other content: ${report.keptTags.join(', ')}`,
    );
  }
  if (report && report.beyondDepth.length > 0) {
    const depth = Math.min(...report.beyondDepth.map((r) => r.depth)) - 1;
    lines.push(
      `  ${report.beyondDepth.length} referrer(s) nested deeper than ${depth} level(s) were not copied (--referrer-depth): ${report.beyondDepth.map((r) => r.digest).join(', ')}`,
    );
  }
  const stale = result.staleSignatures;
  if (stale && stale.newListReferrers > 0) {
    lines.push(
      `  the old list ${stale.digest} had ${stale.referrers.length} signature(s) or attestation(s); the new list ${stale.newDigest} has ${stale.newListReferrers} of its own`,
    );
  }
  return lines;
}

/**
 * The one warning line for signatures a merge leaves behind, when the new list has none:
 * `the old list sha256:… had N signatures or attestations; the new list sha256:… has none:
 * sign it`. `undefined` when there is nothing to say.
 */
export function staleSignaturesLine(result: MergeResult): string | undefined {
  const stale = result.staleSignatures;
  if (!stale || stale.newListReferrers > 0) return undefined;
  const has = result.outcome === 'pushed' ? 'has' : 'would have';
  return `the old list ${stale.digest} had ${stale.referrers.length} signatures or attestations; the new list ${stale.newDigest} ${has} none: sign it`;
}
