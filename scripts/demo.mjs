#!/usr/bin/env node
// `npm run demo`: a real merge on a local CNCF registry, through the CLI.
//
// 1. builds the package if dist/cli.js is missing;
// 2. starts `docker-registry serve` (CNCF distribution) on a free loopback port with temporary
//    storage (installs Debian's docker-registry with apt-get when missing and running as root);
// 3. pushes two multi-arch images with real blobs: `demo/app:next` (amd64, arm64, with
//    buildx-style attestations, OCI index) and `demo/app:stable` (amd64, arm64, ppc64le,
//    s390x, Docker manifest list);
// 4. runs `select` and `merge` through `node dist/cli.js`, printing platform tables before and
//    after;
// 5. stops the registry and removes its storage (also on error and Ctrl-C).
//
// Self-contained: Node's fetch and the CLI, nothing from test/ or src/.

import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(ROOT, 'dist', 'cli.js');
const INSTALL_HINT =
  "docker-registry is missing: install it with 'sudo apt-get update && sudo apt-get install -y docker-registry' (Debian/Ubuntu), then run 'npm run demo' again";

const MT = {
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  inToto: 'application/vnd.in-toto+json',
};
const ACCEPT = [MT.dockerList, MT.ociIndex, MT.dockerManifest, MT.ociManifest].join(', ');

const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[1m${s}\u001b[22m` : s);
const say = (s = '') => process.stdout.write(`${s}\n`);
const step = (s) => say(`\n${bold(`== ${s}`)}`);

// ---------------------------------------------------------------- cleanup on every exit path
const cleanups = [];
let cleaning;
let interrupted = false;
function cleanup() {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch {
        // best effort
      }
    }
  })();
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    interrupted = true;
    process.stderr.write(`\ndemo: ${sig}, stopping the registry\n`);
    cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------- build, registry binary
function ensureBuilt() {
  if (existsSync(CLI)) return;
  say('Building (dist/cli.js is missing)...');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return undefined;
}

function ensureRegistryBinary() {
  const found = which('docker-registry');
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !which('apt-get')) {
    process.stderr.write(`${INSTALL_HINT}\n`);
    process.exit(1);
  }
  say('Installing docker-registry with apt-get (running as root)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update'],
    ['install', '-y', '--no-install-recommends', 'docker-registry'],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) {
      process.stderr.write(`apt-get ${args.join(' ')} failed. ${INSTALL_HINT}\n`);
      process.exit(1);
    }
  }
  const installed = which('docker-registry') ?? '/usr/bin/docker-registry';
  if (!existsSync(installed)) {
    process.stderr.write(`${INSTALL_HINT}\n`);
    process.exit(1);
  }
  return installed;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startRegistry(binary) {
  const dir = await mkdtemp(join(tmpdir(), 'mlm-demo-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = await freePort();
    const config = join(dir, 'config.yml');
    await writeFile(
      config,
      [
        'version: 0.1',
        'log:',
        '  level: warn',
        '  accesslog:',
        '    disabled: true',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${JSON.stringify(join(dir, 'data'))}`,
        '  delete:',
        '    enabled: true',
        'http:',
        `  addr: 127.0.0.1:${port}`,
        'health:',
        '  storagedriver:',
        '    enabled: false',
        '',
      ].join('\n'),
    );
    const child = spawn(binary, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    child.stderr.on('data', (c) => {
      output += c;
    });
    const stop = () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.ok) {
          cleanups.push(stop);
          return { url, host: `127.0.0.1:${port}`, dir };
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await stop();
    if (!/address already in use/i.test(output)) {
      throw new Error(`docker-registry did not start:\n${output.trim()}`);
    }
  }
  throw new Error('docker-registry could not find a free port');
}

// ---------------------------------------------------------------- a small image pusher
const sha256 = (bytes) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** A one-file tar archive (ustar), uncompressed. */
function tarOf(name, content) {
  const data = Buffer.from(content);
  const header = Buffer.alloc(512);
  const put = (s, off, len) => header.write(s, off, len, 'ascii');
  put(name, 0, 100);
  put('0000644\0', 100, 8);
  put('0000000\0', 108, 8);
  put('0000000\0', 116, 8);
  put(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 12);
  put(
    `${Math.floor(Date.now() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
    12,
  );
  put('        ', 148, 8);
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  let sum = 0;
  for (const b of header) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, pad, Buffer.alloc(1024)]);
}

async function pushBlob(reg, repo, bytes) {
  const digest = sha256(bytes);
  const head = await fetch(`${reg.url}/v2/${repo}/blobs/${digest}`, { method: 'HEAD' });
  if (head.ok) return digest;
  const start = await fetch(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  await start.arrayBuffer();
  if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status}`);
  const location = new URL(start.headers.get('location'), reg.url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: bytes,
  });
  await put.arrayBuffer();
  if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status}`);
  return digest;
}

async function putManifest(reg, repo, ref, manifest) {
  const bytes = Buffer.from(JSON.stringify(manifest, null, 2));
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${ref}`, {
    method: 'PUT',
    headers: { 'content-type': manifest.mediaType },
    body: bytes,
  });
  const text = await res.text();
  if (res.status !== 201)
    throw new Error(`manifest PUT ${repo}:${ref}: HTTP ${res.status} ${text}`);
  return { mediaType: manifest.mediaType, digest: sha256(bytes), size: bytes.length };
}

/** One image: a real gzipped layer with one file, a config naming its diff_id, a manifest. */
async function pushImage(reg, repo, platform, format, label) {
  const [os, architecture, variant] = platform.split('/');
  const tar = tarOf(
    'hello.txt',
    `hello from ${label} ${platform} ${randomBytes(4).toString('hex')}\n`,
  );
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture,
      os,
      ...(variant ? { variant } : {}),
      config: { Cmd: ['cat', '/hello.txt'], Labels: { 'demo.release': label } },
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
      history: [{ created_by: 'demo' }],
    }),
  );
  const oci = format === 'oci';
  const manifest = {
    schemaVersion: 2,
    mediaType: oci ? MT.ociManifest : MT.dockerManifest,
    config: {
      mediaType: oci ? MT.ociConfig : MT.dockerConfig,
      digest: await pushBlob(reg, repo, config),
      size: config.length,
    },
    layers: [
      {
        mediaType: oci ? MT.ociLayer : MT.dockerLayer,
        digest: await pushBlob(reg, repo, layer),
        size: layer.length,
      },
    ],
  };
  const desc = await putManifest(
    reg,
    repo,
    sha256(Buffer.from(JSON.stringify(manifest, null, 2))),
    manifest,
  );
  return { ...desc, platform: { os, architecture, ...(variant ? { variant } : {}) } };
}

/** A buildx-style attestation manifest (in-toto SBOM statement) for `image`. */
async function pushAttestation(reg, repo, image) {
  const statement = Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://spdx.dev/Document',
      subject: [{ name: 'demo', digest: { sha256: image.digest.slice(7) } }],
      predicate: { spdxVersion: 'SPDX-2.3', name: 'demo' },
    }),
  );
  const config = Buffer.from('{}');
  const manifest = {
    schemaVersion: 2,
    mediaType: MT.ociManifest,
    config: { mediaType: MT.ociConfig, digest: await pushBlob(reg, repo, config), size: 2 },
    layers: [
      {
        mediaType: MT.inToto,
        digest: await pushBlob(reg, repo, statement),
        size: statement.length,
        annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' },
      },
    ],
  };
  const bytes = Buffer.from(JSON.stringify(manifest, null, 2));
  const desc = await putManifest(reg, repo, sha256(bytes), manifest);
  return {
    ...desc,
    platform: { os: 'unknown', architecture: 'unknown' },
    annotations: {
      'vnd.docker.reference.digest': image.digest,
      'vnd.docker.reference.type': 'attestation-manifest',
    },
  };
}

async function pushList(reg, repo, tag, platforms, { attestations, label }) {
  const format = attestations ? 'oci' : 'docker';
  const images = [];
  for (const p of platforms) images.push(await pushImage(reg, repo, p, format, label));
  const entries = [...images];
  if (attestations)
    for (const image of images) entries.push(await pushAttestation(reg, repo, image));
  return putManifest(reg, repo, tag, {
    schemaVersion: 2,
    mediaType: attestations ? MT.ociIndex : MT.dockerList,
    manifests: entries,
  });
}

// ---------------------------------------------------------------- tables
async function getList(reg, repo, tag) {
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${tag}`, {
    headers: { accept: ACCEPT },
  });
  if (res.status === 404) return undefined;
  const bytes = Buffer.from(await res.arrayBuffer());
  if (!res.ok) throw new Error(`GET ${repo}:${tag}: HTTP ${res.status}`);
  return { digest: sha256(bytes), json: JSON.parse(bytes.toString('utf8')) };
}

function platformOf(entry, byDigest) {
  const ref = entry.annotations?.['vnd.docker.reference.digest'];
  if (entry.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest') {
    const image = byDigest.get(ref);
    return `attestation of ${image ? platformOf(image, byDigest) : ref?.slice(0, 19)}`;
  }
  const p = entry.platform;
  if (!p) return '(no platform)';
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

async function table(reg, repo, tag, title) {
  const list = await getList(reg, repo, tag);
  say(`\n${bold(title ?? `${reg.host}/${repo}:${tag}`)}`);
  if (!list) {
    say('  (does not exist)');
    return undefined;
  }
  say(`  ${list.json.mediaType}  ${list.digest}`);
  const byDigest = new Map(list.json.manifests.map((e) => [e.digest, e]));
  const rows = list.json.manifests.map((e) => [platformOf(e, byDigest), e.digest.slice(0, 19)]);
  const w = Math.max(8, ...rows.map((r) => r[0].length));
  say(`  ${'PLATFORM'.padEnd(w)}  DIGEST`);
  for (const [p, d] of rows) say(`  ${p.padEnd(w)}  ${d}`);
  return list.digest;
}

// ---------------------------------------------------------------- the CLI
async function cli(args, env) {
  say(`\n$ manifest-list-merger ${args.join(' ')}`);
  const child = spawn(process.execPath, [CLI, ...args], { stdio: 'inherit', env });
  const code = await new Promise((resolve) =>
    child.once('exit', (c, s) => resolve(c ?? (s ? 128 : 1))),
  );
  if (code !== 0) throw new Error(`the CLI exited with code ${code}`);
}

// ---------------------------------------------------------------- main
async function main() {
  ensureBuilt();
  const binary = ensureRegistryBinary();
  step('Starting a local registry (CNCF distribution)');
  const reg = await startRegistry(binary);
  say(`docker-registry serving ${reg.url}, storage in ${reg.dir}`);

  // The CLI reads Docker's config by default: point it at an empty one, so the demo never
  // calls this machine's credential helpers.
  const dockerConfig = join(reg.dir, 'docker-config');
  await mkdir(dockerConfig, { recursive: true });
  await writeFile(join(dockerConfig, 'config.json'), '{}\n');
  const env = { ...process.env, DOCKER_CONFIG: dockerConfig };

  step('Pushing two multi-arch images with real blobs');
  await pushList(
    reg,
    'demo/app',
    'stable',
    ['linux/amd64', 'linux/arm64', 'linux/ppc64le', 'linux/s390x'],
    {
      attestations: false,
      label: 'old',
    },
  );
  await pushList(reg, 'demo/app', 'next', ['linux/amd64', 'linux/arm64'], {
    attestations: true,
    label: 'new',
  });
  const src = `${reg.host}/demo/app:next`;
  const dest = `${reg.host}/demo/app:stable`;
  await table(reg, 'demo/app', 'next', `Source (new) ${src}`);
  const before = await table(reg, 'demo/app', 'stable', `Destination (old) ${dest}`);

  step('select: take only arm64 from the new image; print the list, push nothing');
  await cli(['select', '--src', src, '--dest', dest, '--arch', 'arm64'], env);
  const still = await getList(reg, 'demo/app', 'stable');
  say(`\n${dest} still ${still.digest === before ? 'unchanged' : 'CHANGED'}: ${still.digest}`);

  step('merge: merge every platform of the new image into the old tag');
  await cli(['merge', '--src', src, '--dest', dest], env);
  await table(reg, 'demo/app', 'stable', `After the merge: ${dest}`);

  step('The same merge again: nothing changes, nothing is pushed');
  await cli(['merge', '--src', src, '--dest', dest], env);

  step('The select mode with --push into another repository (its children are copied first)');
  const mirror = `${reg.host}/demo/mirror:arm64`;
  await cli(['select', '--src', src, '--dest', mirror, '--arch', 'arm64', '--push'], env);
  await table(reg, 'demo/mirror', 'arm64', `After select --push: ${mirror}`);

  say(`\n${bold('Done.')} Stopping the registry.`);
}

main()
  .catch((error) => {
    if (interrupted) return;
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : error}\n`);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
