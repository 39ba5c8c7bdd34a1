import { describe, expect, it } from "vitest";
import {
  createExpiringCache,
  type Expiring,
} from "../../../../../src/sidecar/registry/cloud/create-expiring-cache.ts";

function setup(options: { marginMs?: number; failureTtlMs?: number; maxEntries?: number } = {}) {
  let now = 1_000_000;
  const cache = createExpiringCache<string>({
    clock: () => now,
    marginMs: options.marginMs ?? 60_000,
    failureTtlMs: options.failureTtlMs ?? 20_000,
    maxEntries: options.maxEntries ?? 10,
  });
  let fetches = 0;
  /** Each fetch answers `token-N`, valid `lifetimeMs` from now. */
  const fetchFor = (lifetimeMs: number) => async (): Promise<Expiring<string>> => {
    fetches++;
    return { value: `token-${fetches}`, expiresAt: now + lifetimeMs };
  };
  return {
    cache,
    fetchFor,
    fetches: () => fetches,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** A fetch that waits until released, to hold an exchange in flight. */
function gate() {
  let release: (value: Expiring<string>) => void = () => {};
  let fail: (error: Error) => void = () => {};
  let calls = 0;
  const fetch = () => {
    calls++;
    return new Promise<Expiring<string>>((resolve, reject) => {
      release = resolve;
      fail = reject;
    });
  };
  return {
    fetch,
    release: (value: Expiring<string>) => release(value),
    fail: (e: Error) => fail(e),
    calls: () => calls,
  };
}

describe("createExpiringCache", () => {
  it("keeps a value until the margin before its expiry, then fetches a new one (lru-cache: stale 1 ms after its ttl)", async () => {
    const { cache, fetchFor, fetches, advance } = setup({ marginMs: 60_000 });
    const hour = fetchFor(3_600_000);
    expect(await cache.get("k", hour)).toBe("token-1");
    advance(3_600_000 - 60_000);
    expect(await cache.get("k", hour)).toBe("token-1");
    advance(1);
    expect(await cache.get("k", hour)).toBe("token-2");
    expect(fetches()).toBe(2);
  });

  it("uses a value shorter-lived than the margin for half its life", async () => {
    const { cache, fetchFor, advance } = setup({ marginMs: 300_000 });
    const minute = fetchFor(60_000);
    expect(await cache.get("k", minute)).toBe("token-1");
    advance(30_000);
    expect(await cache.get("k", minute)).toBe("token-1");
    advance(1);
    expect(await cache.get("k", minute)).toBe("token-2");
  });

  it("shares one fetch among concurrent first uses", async () => {
    const { cache } = setup();
    const held = gate();
    const waiting = Array.from({ length: 50 }, () => cache.get("k", held.fetch));
    await Promise.resolve();
    held.release({ value: "shared", expiresAt: Number.MAX_SAFE_INTEGER });
    expect(new Set(await Promise.all(waiting))).toEqual(new Set(["shared"]));
    expect(held.calls()).toBe(1);
  });

  it("shares one refresh among concurrent uses after expiry", async () => {
    const { cache, fetchFor, advance } = setup({ marginMs: 0 });
    await cache.get("k", fetchFor(1_000));
    advance(1_001);
    const held = gate();
    const waiting = Array.from({ length: 20 }, () => cache.get("k", held.fetch));
    await Promise.resolve();
    held.release({ value: "renewed", expiresAt: Number.MAX_SAFE_INTEGER });
    expect(new Set(await Promise.all(waiting))).toEqual(new Set(["renewed"]));
    expect(held.calls()).toBe(1);
  });

  it("keys are independent", async () => {
    const { cache, fetchFor, fetches } = setup();
    expect(await cache.get("aws/1", fetchFor(3_600_000))).toBe("token-1");
    expect(await cache.get("aws/2", fetchFor(3_600_000))).toBe("token-2");
    expect(await cache.get("aws/1", fetchFor(3_600_000))).toBe("token-1");
    expect(fetches()).toBe(2);
  });

  it("answers a failure to every waiter and for failureTtlMs, then tries again", async () => {
    const { cache, fetchFor, advance } = setup({ failureTtlMs: 20_000 });
    const held = gate();
    const waiting = Array.from({ length: 5 }, () =>
      cache.get("k", held.fetch).catch((e: Error) => e.message),
    );
    await Promise.resolve();
    held.fail(new Error("denied"));
    expect(await Promise.all(waiting)).toEqual(Array(5).fill("denied"));
    advance(20_000);
    await expect(cache.get("k", held.fetch)).rejects.toThrow("denied");
    expect(held.calls()).toBe(1);
    advance(1);
    expect(await cache.get("k", fetchFor(3_600_000))).toBe("token-1");
  });

  it("catches a fetch that throws at once", async () => {
    const { cache } = setup();
    const throwsNow = () => {
      throw new Error("no source");
    };
    await expect(cache.get("k", throwsNow)).rejects.toThrow("no source");
  });

  it("stays within maxEntries, dropping the least recently used key", async () => {
    const { cache, fetchFor, fetches } = setup({ maxEntries: 3 });
    for (const key of ["a", "b", "c"]) await cache.get(key, fetchFor(3_600_000));
    await cache.get("a", fetchFor(3_600_000));
    await cache.get("d", fetchFor(3_600_000));
    expect(cache.size).toBe(3);
    expect(fetches()).toBe(4);
    await cache.get("a", fetchFor(3_600_000));
    expect(fetches()).toBe(4);
    await cache.get("b", fetchFor(3_600_000));
    expect(fetches()).toBe(5);
    for (let i = 0; i < 10_000; i++) await cache.get(`hostile-${i}`, fetchFor(3_600_000));
    expect(cache.size).toBe(3);
  });
});
