// The distinct destination tags of the throughput runs, and the sources their legs merge.
import { HttpRegistryClient, ManifestListMerger } from '../../../src/index.js';
import { pushList } from '../../../test/support/images.js';
import type { TestRegistry } from '../../../test/support/registry.js';
import { progress } from '../config.js';
import { type Fixture, pool, REPO, SRC_PLATFORMS, sameBytes } from '../fixture.js';
import { libMerge } from '../library.js';

const TAG_ANNOTATION = 'org.example.bench.tag';
const PLACEHOLDER = 'bench-tag-placeholder';

export interface TagSet {
  /** Tags the library merges into. */
  library: string[];
  /** Tags the seed baseline merges into. */
  seed: string[];
  /** A source list nothing was merged from yet: one per leg. */
  freshSource(): Promise<string>;
  /** The bytes the library pushes when merging `src` into `tag` (for the seed baseline). */
  bytesFor(src: string, tag: string): Promise<Uint8Array>;
  close(): void;
}

/**
 * Sets `jobs` library tags and `jobs` seed tags. Each carries its own name as an annotation
 * (kept by the merge, the sources having none), so no two tags ever hold the same bytes:
 * distribution 2.8's filesystem driver answers 500 "invalid checksum digest format" to reads
 * racing with concurrent PUTs of identical manifests to other tags, which would turn a
 * throughput run into a benchmark of retries. Each leg merges a source of its own, so every
 * merge pushes bytes the registry has never stored, as a real release does.
 */
export async function prepareTags(reg: TestRegistry, fx: Fixture, jobs: number): Promise<TagSet> {
  const pad = (i: number) => String(i).padStart(3, '0');
  const library = Array.from({ length: jobs }, (_, i) => `many-${pad(i)}`);
  const seed = Array.from({ length: jobs }, (_, i) => `seed-${pad(i)}`);
  const setTagList = (tag: string, value = tag) =>
    pushList(reg, REPO, tag, {
      images: fx.destInit.images,
      format: 'oci',
      annotations: { [TAG_ANNOTATION]: value },
    });
  progress(`throughput: setting ${library.length + seed.length} destination tags`);
  await pool([...library, ...seed], 16, (tag) => setTagList(tag));
  await setTagList('probe-t', PLACEHOLDER);

  const probe = new HttpRegistryClient();
  let sources = 0;
  // One probe merge per source, one at a time (each moves probe-t on).
  const templates = new Map<string, Promise<string>>();
  let probing: Promise<unknown> = Promise.resolve();
  let checked = false;
  const learn = async (src: string): Promise<string> => {
    const r = await libMerge({
      client: probe,
      host: reg.host,
      repo: REPO,
      src,
      dest: 'probe-t',
      expectPushed: true,
    });
    const text = Buffer.from(r.bytes).toString('utf8');
    if (text.split(PLACEHOLDER).length !== 2) throw new Error('placeholder not found once');
    return text;
  };
  const template = (src: string): Promise<string> => {
    let text = templates.get(src);
    if (text === undefined) {
      text = probing.then(() => learn(src));
      probing = text.catch(() => undefined);
      templates.set(src, text);
    }
    return text;
  };
  const bytesFor = async (src: string, tag: string): Promise<Uint8Array> => {
    const bytes = Buffer.from((await template(src)).replace(PLACEHOLDER, tag), 'utf8');
    if (!checked) {
      // What the library would push there (a dry run) is what the seed baseline will PUT.
      const dry = await new ManifestListMerger({
        srcImage: `${reg.host}/${REPO}:${src}`,
        destImage: `${reg.host}/${REPO}:${tag}`,
        srcClient: probe,
        destClient: probe,
      }).mergeManifestLists({ dryRun: true });
      if (!sameBytes(dry.bytes, bytes)) {
        throw new Error('the seed baseline would not push the bytes the library pushes');
      }
      checked = true;
    }
    return bytes;
  };
  return {
    library,
    seed,
    freshSource: async () => {
      const tag = `src-leg${sources++}`;
      await pushList(reg, REPO, tag, {
        platforms: SRC_PLATFORMS,
        format: 'oci',
        attestations: true,
      });
      return tag;
    },
    bytesFor,
    close: () => probe.close(),
  };
}
