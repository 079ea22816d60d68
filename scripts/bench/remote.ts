// The emulated remote registry: latency-child.ts run in a child process, its request counter
// read over IPC.
import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Remote {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT` */
  host: string;
  /** `localhost:PORT`: the same registry under another spelling (another tag lock key). */
  altHost: string;
  rttMs: number;
  /** The proxy process, for its CPU time. */
  pid: number | undefined;
  /** Requests the proxy forwarded so far. */
  requests(): Promise<number>;
  stop(): Promise<void>;
}

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'latency-child.ts');

interface Message {
  type: string;
  id?: number;
  url?: string;
  host?: string;
  requests?: number;
}

/** Starts the proxy in front of `upstream`, adding `rttMs` per request. */
export async function startRemote(upstream: string, rttMs: number): Promise<Remote> {
  // The bench runs under tsx: the child gets the same loader flags.
  const child: ChildProcess = fork(CHILD, [upstream, String(rttMs)], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, (n: number) => void>();
  let nextId = 0;
  const ready = new Promise<Message>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`latency proxy exited (code ${code})`)));
    child.on('message', (m: Message) => {
      if (m.type === 'ready') resolve(m);
      else if (m.type === 'count' && m.id !== undefined) {
        waiting.get(m.id)?.(m.requests ?? Number.NaN);
        waiting.delete(m.id);
      }
    });
  });
  const { url, host } = await ready;
  if (!url || !host) throw new Error('latency proxy: no address');
  return {
    url,
    host,
    altHost: host.replace('127.0.0.1', 'localhost'),
    rttMs,
    pid: child.pid,
    requests: () =>
      new Promise<number>((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        child.send({ type: 'count', id });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
