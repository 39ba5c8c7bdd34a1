/**
 * Cloud credentials kept until shortly before they expire, on lru-cache: per key, at most one
 * exchange runs at a time (concurrent first uses, and concurrent refreshes, share its `fetch`); a
 * failure is kept as a value for a short while, so a broken provider is asked once per cycle rather
 * than once per repository; and the number of keys is bounded (least recently used dropped first),
 * because keys come from registry hosts that workloads name.
 */

import { LRUCache } from "lru-cache";
import type { Result } from "../../../core/result.ts";
import type { Clock } from "../../../core/time/clock.ts";

export interface Expiring<T> {
  readonly value: T;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

export interface ExpiringCacheOptions {
  /** Milliseconds since the epoch; injected so tests can move time. */
  readonly clock: Clock;
  /** Refresh this long before expiry (at most half the lifetime, so a short-lived value is still used). */
  readonly marginMs: number;
  /** How long a failed fetch answers for its key before the next attempt. */
  readonly failureTtlMs: number;
  readonly maxEntries: number;
}

export interface ExpiringCache<T> {
  /** The cached value, or the one `fetch` gets (shared with every concurrent caller for this key). */
  get(key: string, fetch: () => Promise<Expiring<T>>): Promise<T>;
  readonly size: number;
}

type Outcome<T> = Result<T, unknown>;

export function createExpiringCache<T>(options: ExpiringCacheOptions): ExpiringCache<T> {
  const { clock, marginMs, failureTtlMs } = options;
  const cache = new LRUCache<string, Outcome<T>, () => Promise<Expiring<T>>>({
    max: options.maxEntries,
    perf: { now: clock },
    // Every staleness check reads the injected clock (the default caches it for a millisecond).
    ttlResolution: 0,
    fetchMethod: async (_key, _stale, { options: entry, context: fetch }) => {
      try {
        const { value, expiresAt } = await fetch();
        const lifetime = expiresAt - clock();
        // A ttl of 0 would mean "forever": an already expired value is kept for one millisecond.
        entry.ttl = Math.max(1, lifetime - Math.min(marginMs, Math.max(0, lifetime / 2)));
        return { ok: true, value };
      } catch (error) {
        entry.ttl = failureTtlMs;
        return { ok: false, error };
      }
    },
  });

  return {
    async get(key, fetch) {
      const outcome = await cache.fetch(key, { context: fetch });
      if (outcome === undefined) throw new Error(`no value for ${key}`);
      if (!outcome.ok) throw outcome.error;
      return outcome.value;
    },
    get size() {
      return cache.size;
    },
  };
}
