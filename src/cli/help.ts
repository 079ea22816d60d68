// The help texts of the command line: what each command does, with examples.

export const NAME = 'manifest-list-merger';

export const MAIN_HELP = `
Commands merge a source manifest list (Docker manifest list v2 or OCI image index) into a
destination tag without losing the destination's other platforms.

Examples:
  # merge: every platform of the source, plus the destination's others
  $ ${NAME} merge --src quay.io/acme/app:1.2-s390x --dest quay.io/acme/app:1.2

  # select: only amd64 and arm64 from the source; print the list, push nothing
  $ ${NAME} select --src quay.io/acme/app:next --dest quay.io/acme/app:1.2 --arch amd64 --arch arm64

  # ...and push it, reading the password from stdin
  $ echo "$QUAY_TOKEN" | ${NAME} select --src ... --dest ... --arch amd64 --push \\
      --dest-username 'acme+ci' --dest-password-stdin

  # What would change, as JSON, writing nothing
  $ ${NAME} merge --src ... --dest ... --dry-run --json

  # Push a list computed earlier (and signed), byte for byte, if the tag has not moved since
  $ ${NAME} push list.json --dest quay.io/acme/app:1.2 --expect-dest sha256:...

  # Many merges, four at a time
  $ ${NAME} bulk jobs.txt --concurrency 4

Credentials: Docker's config (~/.docker/config.json or $DOCKER_CONFIG, with its credential
helpers) by default; or --src-username/--dest-username with the password on stdin
(--src-password-stdin/--dest-password-stdin) or in MLM_SRC_PASSWORD/MLM_DEST_PASSWORD.
User names may also come from MLM_SRC_USERNAME/MLM_DEST_USERNAME.

pubtools-quay flags are accepted: --source-ref (= --src), --dest-ref (= --dest),
--source-quay-user (= --src-username), --dest-quay-user (= --dest-username), and
--source-quay-password/--dest-quay-password (with a warning: they show in 'ps').
Without a command, those flags run 'merge'.

Exit codes: 0 done, 1 failed, 2 usage error, 3 conflict (the tag kept moving),
4 not found, 5 authentication failed, 130 interrupted.
Environment: NO_COLOR turns colors off; DOCKER_CONFIG moves Docker's config.
`;

export const MERGE_HELP = `
merge: the new list holds every entry of the source, plus each destination entry whose
platform the source lacks. The destination must exist, unless --create. Either side may be
a list, an index or a single image (its platform read from its config; --platform when it
names none). Manifests the destination repository lacks are copied first (unless
--no-copy-children), with their signatures, attestations and SBOMs (unless --no-referrers);
a list equal to the destination's is not pushed (unless --force). A warning names the old
list's signatures when the tag's digest changes: sign the new one.

Examples:
  $ ${NAME} merge --src quay.io/acme/app:1.2-s390x --dest quay.io/acme/app:1.2
  $ ${NAME} merge --src quay.io/acme/app:1.3-amd64 --dest quay.io/acme/app:1.3 --create
  $ ${NAME} merge --src localhost:5000/app:new --dest localhost:5000/app:latest --dry-run --json
  $ echo "$PW" | ${NAME} merge --src ... --dest ... --dest-username ci --dest-password-stdin
`;

export const SELECT_HELP = `
select: the new list holds the source's entries of the given architectures, plus every
other entry of the destination (which may not exist yet). It is printed, and pushed only
with --push. --arch names none of which is in the source are an error (--allow-empty).

Examples:
  $ ${NAME} select --src quay.io/acme/app:next --dest quay.io/acme/app:1.2 --arch amd64,arm64
  $ ${NAME} select --src ... --dest ... --arch s390x --push
  $ ${NAME} select --src ... --dest ... --arch amd64 --output list.json --json
      # sign the printed "digest"; note "destinationDigest" (the tag the list was computed from)
  $ ${NAME} push list.json --dest ... --expect-dest DESTINATION_DIGEST   # exactly those bytes
`;

export const PUSH_HELP = `
push: FILE ('-' = stdin, at most 4 MiB) holds the exact bytes of a manifest list or image
index, e.g. written by 'select --output FILE' and then signed; they are pushed to the tag
--dest byte for byte (the digest pushed is the file's sha256), never merged again. Children
the destination repository lacks are copied from --src (without it they must be there).
--expect-dest DIGEST pushes only if the tag still holds DIGEST (the "destinationDigest" of
the select that computed the list; 'none': only if the tag does not exist): otherwise, or if
another writer moves the tag during the push, it fails with exit 3.

Examples:
  $ ${NAME} select --src quay.io/acme/app:next --dest quay.io/acme/app:1.2 --arch amd64 \\
      --output list.json --json > computed.json
  $ sign "$(jq -r .digest computed.json)"
  $ ${NAME} push list.json --dest quay.io/acme/app:1.2 \\
      --expect-dest "$(jq -r '.destinationDigest // "none"' computed.json)"
`;

export const BULK_HELP = `
FILE ('-' = stdin) is either lines of 'SRC DEST' (merge jobs; '#' comments), or a JSON array:
  [ { "src": "quay.io/a/app:1-build", "dest": "quay.io/a/app:1" },
    { "src": "quay.io/a/app:next", "dest": "quay.io/a/app:2", "archs": ["arm64"], "push": true } ]
Every flag applies to every job (--create to merge jobs, --allow-empty to select jobs); a
JSON job's own "create", "allowEmpty", "platform" or "collapseSourceDuplicates" wins. One
failing job does not stop the others; the exit code is 1 when any job failed.

Examples:
  $ ${NAME} bulk jobs.txt --concurrency 8
  $ ${NAME} bulk jobs.json --dry-run --json
  $ ${NAME} bulk jobs.txt --create        # new release tags are created from their first job
  $ ${NAME} bulk jobs.json --shard 2/3     # CI matrix job 2 of 3: no two shards write one tag
`;

/** What `merge` and `select` do, in one line each. */
export const MODE_DESCRIPTIONS = {
  merge: 'merge every platform of --src into the tag --dest, keeping its others',
  select: 'take only --arch platforms from --src; print the list, push with --push',
} as const;
