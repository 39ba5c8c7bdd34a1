/**
 * Cloud credentials kept until shortly before they expire. Per key, at most one exchange runs at
 * a time (concurrent first uses, and concurrent refreshes, share it); a failure is remembered for
 * a short while, so a broken provider is asked once per cycle rather than once per repository;
 * and the number of keys is bounded (least recently used dropped first), because keys come from
 * registry hosts that workloads name.
 */

export interface Expiring<T> {
  readonly value: T;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

export interface ExpiringCacheOptions {
  /** Milliseconds since the epoch; injected so tests can move time. */
  readonly now: () => number;
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

type Entry<T> =
  | { readonly state: "fresh"; readonly value: T; readonly until: number }
  | { readonly state: "failed"; readonly error: unknown; readonly until: number }
  | { readonly state: "pending"; readonly promise: Promise<T> };

export function createExpiringCache<T>(options: ExpiringCacheOptions): ExpiringCache<T> {
  const { now, marginMs, failureTtlMs, maxEntries } = options;
  const entries = new Map<string, Entry<T>>();

  /** Inserting at the end keeps the Map in least-recently-used order. */
  function put(key: string, entry: Entry<T>): void {
    entries.delete(key);
    entries.set(key, entry);
    for (const oldest of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(oldest);
    }
  }

  function usable(entry: Entry<T> | undefined): Entry<T> | undefined {
    if (entry === undefined || entry.state === "pending") return entry;
    return now() < entry.until ? entry : undefined;
  }

  function start(key: string, fetch: () => Promise<Expiring<T>>): Promise<T> {
    // Started a tick later, so a fetch that throws at once still lands in the entry below.
    const promise = Promise.resolve()
      .then(fetch)
      .then(
        ({ value, expiresAt }) => {
          const margin = Math.min(marginMs, Math.max(0, (expiresAt - now()) / 2));
          // An eviction while in flight means the key was dropped: leave it dropped.
          if (entries.get(key) === pending) put(key, { state: "fresh", value, until: expiresAt - margin });
          return value;
        },
        (error: unknown) => {
          if (entries.get(key) === pending) put(key, { state: "failed", error, until: now() + failureTtlMs });
          throw error;
        },
      );
    const pending: Entry<T> = { state: "pending", promise };
    put(key, pending);
    return promise;
  }

  return {
    get(key, fetch) {
      const entry = usable(entries.get(key));
      if (entry === undefined) return start(key, fetch);
      put(key, entry);
      if (entry.state === "pending") return entry.promise;
      return entry.state === "fresh" ? Promise.resolve(entry.value) : Promise.reject(entry.error);
    },
    get size() {
      return entries.size;
    },
  };
}
