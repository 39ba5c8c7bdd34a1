import { describe, expect, it } from "vitest";
import { createReplayCache } from "../../../../src/sidecar/webhooks/create-replay-cache.ts";

function withClock(ttlMs = 1000, maxEntries = 3) {
  const time = { now: 0 };
  const cache = createReplayCache({ clock: () => time.now, ttlMs, maxEntries });
  return { cache, time };
}

describe("createReplayCache", () => {
  it("accepts a key once, then reports it as seen", () => {
    const { cache } = withClock();
    expect(cache.remember("a")).toBe(true);
    expect(cache.remember("a")).toBe(false);
    expect(cache.remember("b")).toBe(true);
  });

  it("accepts the key again after the TTL", () => {
    const { cache, time } = withClock(1000);
    cache.remember("a");
    time.now = 999;
    expect(cache.remember("a")).toBe(false);
    time.now = 1000;
    expect(cache.remember("a")).toBe(true);
  });

  it("drops the oldest key beyond maxEntries", () => {
    const { cache } = withClock(10_000, 3);
    for (const key of ["a", "b", "c", "d"]) cache.remember(key);
    expect(cache.size).toBe(3);
    expect(cache.remember("a")).toBe(true);
    expect(cache.remember("d")).toBe(false);
  });

  it("prunes expired keys as time passes", () => {
    const { cache, time } = withClock(100, 1000);
    for (const key of ["a", "b", "c"]) cache.remember(key);
    time.now = 200;
    cache.remember("d");
    expect(cache.size).toBe(1);
  });

  it("forgets a key on request, so a failed delivery can be retried", () => {
    const { cache } = withClock();
    cache.remember("a");
    cache.forget("a");
    expect(cache.remember("a")).toBe(true);
  });

  it("bounds memory per key however long the key", () => {
    const { cache } = withClock();
    const long = "x".repeat(1_000_000);
    expect(cache.remember(long)).toBe(true);
    expect(cache.remember(long)).toBe(false);
  });
});
