import { referrerLines } from './format-referrers.js';
import { type CliWritable, withWrite } from './io.js';
import {
  MediaTypes,
  type MergeResult,
  normalizeMediaType,
  type PlannedEntry,
  type ReplacedEntry,
} from './library.js';

/** A plan entry as the summary and `--json` print it. */
type PlanEntry = PlannedEntry & Partial<Pick<ReplacedEntry, 'previousDigest'>>;

/** What the command asked for, to name it in the output. */
export interface RunContext {
  command: 'merge' | 'select' | 'push';
  /** The source reference (`push`: the file the list was read from). */
  source: string;
  destination: string;
}

const VERBS: Record<RunContext['command'], string> = {
  merge: 'Merge',
  select: 'Select',
  push: 'Push',
};

/** ANSI styling that turns itself off for non-terminals and under `NO_COLOR`. */
export interface Style {
  readonly enabled: boolean;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

/**
 * Colors for `stream`: on only when it is a terminal and `NO_COLOR` is unset or empty
 * (https://no-color.org).
 */
export function styleFor(stream: CliWritable, env: NodeJS.ProcessEnv): Style {
  const enabled = stream.isTTY === true && (env['NO_COLOR'] ?? '') === '' && env['TERM'] !== 'dumb';
  const wrap =
    (open: number, close: number) =>
    (s: string): string =>
      enabled ? `\u001b[${open}m${s}\u001b[${close}m` : s;
  return {
    enabled,
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** `sha256:0123456789ab` (12 hex digits), for tables. */
export function shortDigest(digest: string): string {
  const i = digest.indexOf(':');
  return i < 0 ? digest.slice(0, 12) : digest.slice(0, i + 13);
}

/** The human summary of one merge: a table of entries and one closing line. */
export function formatSummary(result: MergeResult, ctx: RunContext, style: Style): string {
  const rows: Array<[string, string, PlanEntry, string]> = [];
  for (const e of result.plan.added) rows.push(['+', 'added', e, '']);
  for (const e of result.plan.replaced) {
    rows.push(['~', 'replaced', e, e.previousDigest ? `was ${shortDigest(e.previousDigest)}` : '']);
  }
  for (const e of result.plan.kept) rows.push(['=', 'kept', e, '']);
  for (const e of result.plan.removed) rows.push(['-', 'removed', e, '']);
  const color: Record<string, (s: string) => string> = {
    added: style.green,
    replaced: style.yellow,
    kept: style.dim,
    removed: style.red,
  };
  const width = Math.max(8, ...rows.map(([, , e]) => e.platform.length));
  const lines: string[] = [];
  lines.push(`${style.bold(VERBS[ctx.command])} ${ctx.source} -> ${ctx.destination}`);
  if (rows.length === 0) lines.push('  (empty list)');
  for (const [mark, label, e, note] of rows) {
    const paint = color[label] ?? ((s: string) => s);
    lines.push(
      `  ${paint(`${mark} ${label.padEnd(8)}`)}  ${e.platform.padEnd(width)}  ${shortDigest(e.digest)}${note ? `  ${style.dim(note)}` : ''}`,
    );
  }
  const counts = (['added', 'replaced', 'kept', 'removed'] as const)
    .map((k) => `${result.plan[k].filter((e) => e.kind === 'image').length} ${k}`)
    .join(', ');
  lines.push(`  platforms: ${counts}`);
  const copy = result.copy;
  if (copy && copy.manifests.length > 0) {
    lines.push(
      `  copied ${copy.manifests.length} manifest(s) into the destination repository (blobs: ${copy.mountedBlobs} mounted, ${copy.uploadedBlobs} uploaded, ${copy.presentBlobs} already there)`,
    );
  } else if (result.outcome !== 'pushed' && result.childrenToCopy.length > 0) {
    lines.push(
      `  a push would first copy ${result.childrenToCopy.length} manifest(s) the destination repository lacks`,
    );
  }
  const from = result.destinationMediaType;
  if (from !== undefined && from !== normalizeMediaType(result.mediaType)) {
    lines.push(`  media type: ${mediaTypeName(from)} -> ${mediaTypeName(result.mediaType)}`);
  }
  lines.push(...referrerLines(result));
  const verification = result.verification;
  if (verification && verification.restored.length > 0) {
    lines.push(
      `  another writer overwrote ${verification.restored.join(', ')}: put back (${result.attempts} attempts)`,
    );
  }
  const what = `${result.digest} (${result.mediaType})`;
  switch (result.outcome) {
    case 'pushed':
      lines.push(`${style.green('Pushed')} ${what} to ${ctx.destination}`);
      break;
    case 'unchanged':
      lines.push(
        `${style.cyan('Unchanged')}: ${ctx.destination} already is ${what}; nothing pushed (--force pushes anyway)`,
      );
      break;
    case 'dry-run':
      lines.push(`${style.yellow('Dry run')}: would push ${what}; nothing written`);
      break;
    case 'not-pushed':
      // What `push --expect-dest` needs to push this list later, safely.
      lines.push(
        `  computed from ${ctx.destination} at ${result.destinationDigest ?? 'none (no tag)'}: push it later with --expect-dest ${result.destinationDigest ?? 'none'}`,
      );
      lines.push(`${style.yellow('Not pushed')} (add --push to push it): ${what}`);
      break;
  }
  return `${lines.join('\n')}\n`;
}

/** A media type as the summary names it: `Docker manifest list`, `OCI image index`… */
function mediaTypeName(mediaType: string): string {
  const names: Record<string, string> = {
    [MediaTypes.DOCKER_MANIFEST_LIST]: 'Docker manifest list',
    [MediaTypes.OCI_IMAGE_INDEX]: 'OCI image index',
    [MediaTypes.DOCKER_MANIFEST]: 'Docker image manifest (a single image)',
    [MediaTypes.OCI_IMAGE_MANIFEST]: 'OCI image manifest (a single image)',
  };
  return names[normalizeMediaType(mediaType)] ?? mediaType;
}

/** The machine-readable result of one merge (`--json`). Stable field names. */
export function resultJson(
  result: MergeResult,
  ctx: RunContext,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const entry = (e: PlanEntry): Record<string, unknown> => ({
    platform: e.platform,
    digest: e.digest,
    kind: e.kind,
    ...(e.previousDigest !== undefined ? { previousDigest: e.previousDigest } : {}),
  });
  return {
    command: ctx.command,
    source: ctx.source,
    destination: ctx.destination,
    outcome: result.outcome,
    pushed: result.outcome === 'pushed',
    dryRun: result.outcome === 'dry-run',
    digest: result.digest,
    mediaType: result.mediaType,
    ...(result.destinationMediaType !== undefined
      ? { destinationMediaType: result.destinationMediaType }
      : {}),
    size: result.bytes.byteLength,
    added: result.plan.added.map(entry),
    replaced: result.plan.replaced.map(entry),
    kept: result.plan.kept.map(entry),
    removed: result.plan.removed.map(entry),
    attempts: result.attempts,
    destinationDigest: result.destinationDigest,
    ...(result.verification ? { verification: result.verification } : {}),
    warnings: result.warnings,
    ...(result.referrers ? { referrers: result.referrers } : {}),
    ...(result.staleSignatures ? { staleSignatures: result.staleSignatures } : {}),
    ...extra,
  };
}

/** `value` as one JSON document (2-space indented) and a newline: what `--json` prints. */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Wraps a stream so that none of `secrets` ever reaches it (a last line of defence: the
 * library never puts a credential in a message, and the CLI never prints one).
 */
export function scrubbed(stream: CliWritable, secrets: () => readonly string[]): CliWritable {
  return withWrite(stream, (chunk) => {
    let text = chunk;
    for (const secret of secrets()) text = text.split(secret).join('***');
    return stream.write(text);
  });
}
