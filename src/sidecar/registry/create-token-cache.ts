/**
 * Bearer tokens, cached until shortly before they expire and bounded in count and bytes (least
 * recently used go first): a hostile registry may hand out a new token for every request, or
 * large ones, and the cache must not grow with it. Keyed by what the token speaks for — registry,
 * token realm, scope and the credential itself — never by strings the registry may vary at will
 * (its `service`), so a registry changing them cannot multiply entries for one credential.
 */

import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { Clock } from "../../core/time/clock.ts";
import type { RegistryCredentials } from "./select-credentials.ts";

export interface TokenCache {
  get(key: string): string | undefined;
  set(key: string, token: string, expiresInSeconds: number): void;
  /** Entries and bytes held now (tokens and keys), for the bound's gauge and its tests. */
  size(): { entries: number; bytes: number };
}

export interface TokenCacheOptions {
  /** Milliseconds since the epoch; injected so tests can move time. */
  readonly clock: Clock;
  /** Drop tokens this long before they expire, so a request never races the expiry. */
  readonly marginMs: number;
  readonly maxEntries: number;
  /** Bound on the UTF-16 length of keys and tokens together (≈ bytes for the ASCII tokens are). */
  readonly maxBytes: number;
}

export function createTokenCache(options: TokenCacheOptions): TokenCache {
  const { clock, marginMs } = options;
  const cache = new LRUCache<string, string>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    sizeCalculation: (token, key) => Math.max(1, token.length + key.length),
    perf: { now: clock },
    // Read the injected clock on every check: lru-cache otherwise reuses a reading for 1 ms of real time.
    ttlResolution: 0,
  });
  return {
    get: (key) => cache.get(key),
    set(key, token, expiresInSeconds) {
      const ttl = expiresInSeconds * 1000 - marginMs;
      // A token larger than the whole bound is not cached (lru-cache refuses it); it still serves its request.
      if (ttl > 0) cache.set(key, token, { ttl });
    },
    size: () => ({ entries: cache.size, bytes: cache.calculatedSize }),
  };
}

/** Names a credential without keeping its secret in the key; anonymous has a name of its own. */
function credentialId(credentials: RegistryCredentials | undefined): string {
  if (credentials === undefined) return "anonymous";
  return createHash("sha256")
    .update(`${credentials.username}\0${credentials.password}`)
    .digest("hex")
    .slice(0, 32);
}

/** The cache key: a changed password is another credential, so it never gets the old one's token. */
export function tokenCacheKey(parts: {
  registry: string;
  realm: string;
  scope: string;
  credentials: RegistryCredentials | undefined;
}): string {
  return JSON.stringify([parts.registry, parts.realm, parts.scope, credentialId(parts.credentials)]);
}
