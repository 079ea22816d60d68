// Docker credential helpers: shell scripts named `docker-credential-NAME` in a temp bin
// directory. One plays by the rules (`test`); the hostile ones are for tests of the limits on
// helpers (timeout, output cap, children left behind). Each writes the pid of any process it
// leaves behind to `$HELPER_PID_FILE`, so a test can check that nothing is left running.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The helpers, by name (`docker-credential-<name>`). */
export const HOSTILE_HELPERS = {
  /** Answers, then exits leaving `sleep 1000 &` holding its stdout. */
  'answers-then-forks': `sleep 1000 &\necho $! > "$HELPER_PID_FILE"\necho '{"Username":"forked","Secret":"forked-secret"}'\nexit 0\n`,
  /** Forks `sleep 1000 &` holding its stdout, then hangs itself: it times out. */
  'forks-and-hangs': `sleep 1000 &\necho $! > "$HELPER_PID_FILE"\nsleep 1000\n`,
  /** Prints 1 MiB of zeros and exits. */
  'prints-1mib': 'head -c 1048576 /dev/zero\n',
  /** Prints zeros forever. */
  'prints-forever': 'exec cat /dev/zero\n',
  /** Answers after `$HELPER_DELAY` seconds. */
  slow: `sleep "\${HELPER_DELAY:-1}"\necho '{"Username":"slow","Secret":"slow-secret"}'\n`,
} as const;

/**
 * `docker-credential-test`: records the server URL it reads on stdin in `$STDIN_LOG`, and
 * answers per server URL (an identity token for `token.example.com`, bad JSON, a crash, and
 * "credentials not found" for any other).
 */
export const TEST_HELPER = `IFS= read -r host || true
printf '%s\\n' "$host" >> "$STDIN_LOG"
case "$host" in
  "helper.example.com") echo '{"ServerURL":"helper.example.com","Username":"helper-user","Secret":"helper:secret"}' ;;
  "token.example.com") echo '{"ServerURL":"token.example.com","Username":"<token>","Secret":"id-token-1"}' ;;
  "https://index.docker.io/v1/") echo '{"ServerURL":"hub","Username":"hubuser","Secret":"hubpass"}' ;;
  "broken.example.com") echo 'not json' ;;
  "crash.example.com") echo 'boom' >&2; exit 3 ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;

/** A name of {@link HOSTILE_HELPERS}. */
export type HostileHelper = keyof typeof HOSTILE_HELPERS;

/** A temp bin directory holding `docker-credential-test` and every hostile helper. */
export interface HelperBin {
  dir: string;
  /** `process.env` with the bin first on `PATH`, and `HELPER_PID_FILE` and `STDIN_LOG` set. */
  env: NodeJS.ProcessEnv;
  /** Where `docker-credential-test` records what it read on stdin, a line per call. */
  stdinLog: string;
  /** The pid a helper wrote to `$HELPER_PID_FILE` (what it left behind), if any. */
  leftPid(): number | undefined;
  /** Forgets the recorded pid (between tests). */
  reset(): void;
  /** Kills anything still recorded and removes the directory. */
  remove(): void;
}

/** Writes `docker-credential-test` and every hostile helper into a fresh temp directory. */
export function makeHelperBin(): HelperBin {
  const dir = mkdtempSync(join(tmpdir(), 'mlm-helpers-'));
  for (const [name, body] of Object.entries({ test: TEST_HELPER, ...HOSTILE_HELPERS })) {
    const path = join(dir, `docker-credential-${name}`);
    writeFileSync(path, `#!/bin/sh\n${body}`);
    chmodSync(path, 0o755);
  }
  const pidFile = join(dir, 'left.pid');
  const stdinLog = join(dir, 'stdin.log');
  const leftPid = (): number | undefined => {
    if (!existsSync(pidFile)) return undefined;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  };
  return {
    dir,
    env: {
      ...process.env,
      PATH: `${dir}${delimiter}${process.env['PATH'] ?? ''}`,
      HELPER_PID_FILE: pidFile,
      STDIN_LOG: stdinLog,
    },
    stdinLog,
    leftPid,
    reset: () => rmSync(pidFile, { force: true }),
    remove: () => {
      const pid = leftPid();
      if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** True while `pid` runs (a zombie waiting for its parent to reap it counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return true;
  }
}

/** Resolves once `pid` is gone, or rejects after `ms`. */
export async function waitGone(pid: number, ms = 2_000): Promise<void> {
  const until = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > until) throw new Error(`process ${pid} is still running after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
