/**
 * Google's OIDC signing keys, fetched with the injected `fetch` and cached. Google rotates keys
 * every few days and publishes the next one early, so a cache of an hour is safe; an unknown `kid`
 * triggers a refresh, at most once a minute, so forged tokens cannot make us hammer Google.
 */

import { isRecord } from "../../../core/json/narrow-json.ts";
import type { Clock } from "../../../core/time/clock.ts";
import type { GoogleSigningKey } from "./verify-google-oidc.ts";

export const googleCertsUrl = "https://www.googleapis.com/oauth2/v3/certs";

export interface GoogleKeySourceOptions {
  readonly fetch: typeof globalThis.fetch;
  readonly clock: Clock;
  readonly url?: string;
  readonly maxAgeMs?: number;
  readonly minRefreshMs?: number;
}

/** Resolves the current key set; rejects only when there is none at all to offer. */
export type GoogleKeySource = (kid: string | undefined) => Promise<readonly GoogleSigningKey[]>;

export function createGoogleKeySource(options: GoogleKeySourceOptions): GoogleKeySource {
  const { fetch, clock, url = googleCertsUrl, maxAgeMs = 60 * 60 * 1000, minRefreshMs = 60 * 1000 } = options;
  let cached: { keys: readonly GoogleSigningKey[]; fetchedAt: number } | undefined;
  let pending: Promise<readonly GoogleSigningKey[]> | undefined;

  async function refresh(): Promise<readonly GoogleSigningKey[]> {
    const attemptedAt = clock();
    try {
      const response = await fetch(url, { headers: { accept: "application/json" } });
      if (!response.ok) throw new Error(`Google certs answered ${response.status}`);
      const keys = parseKeySet(await response.json());
      cached = { keys, fetchedAt: attemptedAt };
      return keys;
    } catch (error) {
      // Keep serving the old set through an outage; remember the attempt so we do not retry per request.
      if (cached !== undefined) {
        cached = { keys: cached.keys, fetchedAt: attemptedAt - maxAgeMs + minRefreshMs };
        return cached.keys;
      }
      throw error;
    }
  }

  return (kid) => {
    const now = clock();
    const age = cached === undefined ? Number.POSITIVE_INFINITY : now - cached.fetchedAt;
    const known = kid === undefined || cached?.keys.some((key) => key.kid === kid) === true;
    if (cached !== undefined && age < maxAgeMs && (known || age < minRefreshMs))
      return Promise.resolve(cached.keys);
    pending ??= refresh().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

function parseKeySet(body: unknown): readonly GoogleSigningKey[] {
  const keys = isRecord(body) ? body.keys : undefined;
  if (!Array.isArray(keys)) throw new Error("Google certs response has no keys");
  return keys.filter(
    (key): key is GoogleSigningKey => isRecord(key) && key.kty === "RSA" && typeof key.kid === "string",
  );
}
