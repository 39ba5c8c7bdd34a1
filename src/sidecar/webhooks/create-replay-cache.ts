/**
 * Remembers delivery ids for a while so a captured request cannot be replayed. Bounded (oldest
 * entries go first, in Map insertion order) and time-limited; the clock is injected. In memory
 * and per replica: a best-effort guard, the registry HEAD behind every event is the real one.
 */

import { createHash } from "node:crypto";
import type { Clock } from "../../core/time/clock.ts";

export interface ReplayCache {
  /** Records the key; false when it was already seen and has not expired. */
  remember(key: string): boolean;
  /** Drops a key again, so a delivery that failed downstream can be retried by the vendor. */
  forget(key: string): void;
  readonly size: number;
}

export interface ReplayCacheOptions {
  readonly clock: Clock;
  readonly ttlMs: number;
  readonly maxEntries: number;
}

export function createReplayCache({ clock, ttlMs, maxEntries }: ReplayCacheOptions): ReplayCache {
  const expiries = new Map<string, number>();
  // Keys are hashed so a long id list (distribution envelopes) costs a fixed amount of memory.
  const digest = (key: string): string => createHash("sha256").update(key).digest("base64url");

  function prune(now: number): void {
    for (const [key, expiry] of expiries) {
      if (expiry > now && expiries.size <= maxEntries) break;
      expiries.delete(key);
    }
  }

  return {
    remember(key) {
      const now = clock();
      const id = digest(key);
      const expiry = expiries.get(id);
      if (expiry !== undefined && expiry > now) return false;
      expiries.delete(id);
      expiries.set(id, now + ttlMs);
      prune(now);
      return true;
    },
    forget(key) {
      expiries.delete(digest(key));
    },
    get size() {
      return expiries.size;
    },
  };
}
