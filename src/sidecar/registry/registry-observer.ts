/** What the registry client reports as it works; the poller turns it into metrics. */

/**
 * `tags` = one tag-list page, `manifest` = a digest HEAD (or its GET fallback) or a manifest read
 * for a creation time, `blob` = an image config read for a creation time, `token` = a token fetch.
 */
export type RegistryRequestKind = "tags" | "manifest" | "blob" | "token";

export interface RegistryObserver {
  /** Every HTTP exchange (each redirect hop and retry too); `code` is the status or `network`. */
  request(event: { registry: string; kind: RegistryRequestKind; code: string }): void;
  /** Every wait caused by a 429, a `Retry-After` or an exhausted `ratelimit-remaining`. */
  rateLimitWait(event: { registry: string; waitMs: number }): void;
  /** Tags or digests a registry sent outside the OCI grammar, dropped before anything stores them. */
  invalidReference(event: { registry: string; kind: "tag" | "digest"; count: number }): void;
  /** The token cache's size after each change. */
  tokenCache(size: { entries: number; bytes: number }): void;
}

export const silentObserver: RegistryObserver = {
  request() {},
  rateLimitWait() {},
  invalidReference() {},
  tokenCache() {},
};
