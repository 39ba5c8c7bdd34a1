/** Bearer tokens cached per (registry, realm, service, scope, user) until shortly before expiry. */

export interface TokenCache {
  get(key: string): string | undefined;
  set(key: string, token: string, expiresInSeconds: number): void;
}

export interface TokenCacheOptions {
  /** Milliseconds since the epoch; injected so tests can move time. */
  readonly now: () => number;
  /** Drop tokens this long before they expire, so a request never races the expiry. */
  readonly marginMs: number;
}

export function createTokenCache({ now, marginMs }: TokenCacheOptions): TokenCache {
  const entries = new Map<string, { token: string; expiresAt: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (now() < entry.expiresAt) return entry.token;
      entries.delete(key);
      return undefined;
    },
    set(key, token, expiresInSeconds) {
      entries.set(key, { token, expiresAt: now() + expiresInSeconds * 1000 - marginMs });
    },
  };
}

/** The cache key; the user is part of it because different credentials are granted different scopes. */
export function tokenCacheKey(parts: {
  registry: string;
  realm: string;
  service: string;
  scope: string;
  username: string | undefined;
}): string {
  return JSON.stringify([parts.registry, parts.realm, parts.service, parts.scope, parts.username ?? ""]);
}
