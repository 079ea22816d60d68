import type { ResolvedCredentials, SideCredentials } from './credentials.js';
import { HttpRegistryClient, type HttpRegistryClientOptions } from './library.js';

/** Client settings shared by both sides, from the command's flags. */
export interface ClientFlags {
  /** `--insecure HOST`, repeatable. */
  insecure: string[];
  /** `--timeout`, in ms. */
  timeoutMs?: number | undefined;
  /** `--no-docker-config` turns it off. */
  dockerConfig: boolean;
  /** podman's auth files: `false` with `--no-containers-auth`, the `--authfile` path, else `true`. */
  containersAuth: boolean | string;
  /** `--verbose`: the client's request log. */
  logger?: HttpRegistryClientOptions['logger'];
  env: NodeJS.ProcessEnv;
}

/** The two clients of a command, and how to close their connections. */
export interface OpenClients {
  src: HttpRegistryClient;
  dest: HttpRegistryClient;
  /** Closes the keep-alive sockets of both. */
  close(): void;
}

/**
 * The source and destination clients. One client serves both sides when their credentials
 * are the same (one token cache); otherwise each side gets its own.
 */
export function createClients(creds: ResolvedCredentials, flags: ClientFlags): OpenClients {
  const make = (side: SideCredentials): HttpRegistryClient =>
    new HttpRegistryClient({
      username: side.username,
      password: side.password,
      containersAuth: flags.containersAuth,
      dockerConfig: flags.dockerConfig,
      insecure: flags.insecure,
      timeout: flags.timeoutMs,
      logger: flags.logger,
      env: flags.env,
    });
  const src = make(creds.src);
  const same =
    creds.src.username === creds.dest.username && creds.src.password === creds.dest.password;
  const dest = same ? src : make(creds.dest);
  return {
    src,
    dest,
    close: () => {
      src.close();
      if (dest !== src) dest.close();
    },
  };
}
