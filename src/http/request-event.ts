/** Who a request is for: the registry API, or a token endpoint. */
export type RequestKind = 'registry' | 'token';

/**
 * What the `onRequest` hook sees, once per HTTP request actually sent (every retry and every
 * redirect hop included). Never carries credentials.
 */
export interface RequestEvent {
  /** `GET`, `HEAD`, `PUT` or `POST`. */
  method: string;
  /** The URL, without credentials. */
  url: string;
  /** `registry` for the registry API, `token` for a token endpoint. */
  kind: RequestKind;
  /** 1 for the first attempt, 2 for the first retry, … */
  attempt: number;
}

/** Counts of requests sent by a client, by kind. */
export interface RequestCounts {
  /** Requests to registry APIs. */
  registry: number;
  /** Requests to token endpoints. */
  token: number;
}
