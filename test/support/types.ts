// Plain-JSON shapes shared by the registry helpers, the global setup and the tests.

export type AuthKind = 'anonymous' | 'basic' | 'token';

export interface Credentials {
  username: string;
  password: string;
}

/** What a test needs to talk to a registry. Plain JSON, so it can cross vitest's `inject`. */
export interface RegistryInfo {
  kind: AuthKind;
  /** `127.0.0.1:PORT`, what goes in an image reference. */
  host: string;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** Push-capable default credentials (alice) for basic/token; undefined for anonymous. */
  username?: string;
  password?: string;
  /** alice: pull+push everywhere; bob: pull only under token auth (htpasswd has no ACLs). */
  users: { alice?: Credentials; bob?: Credentials };
  /** Token registries only. */
  token?: { realm: string; service: string; issuer: string };
}

/** Where the image pusher sends requests, and as whom (anonymous without credentials). */
export interface RegistryTarget {
  url: string;
  username?: string;
  password?: string;
}

export interface ProvidedRegistries {
  anonymous: RegistryInfo;
  basic: RegistryInfo;
  token: RegistryInfo;
}
