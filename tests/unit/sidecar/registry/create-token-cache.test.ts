import { describe, expect, it } from "vitest";
import { createTokenCache, tokenCacheKey } from "../../../../src/sidecar/registry/create-token-cache.ts";

const bounds = { maxEntries: 100, maxBytes: 10_000 };

describe("createTokenCache", () => {
  it("keeps a token until expires_in minus the margin", () => {
    let now = 1_000_000;
    const cache = createTokenCache({ clock: () => now, marginMs: 10_000, ...bounds });
    cache.set("k", "t", 60);
    now += 49_990;
    expect(cache.get("k")).toBe("t");
    now += 20;
    expect(cache.get("k")).toBeUndefined();
    expect(cache.get("other")).toBeUndefined();
  });

  it("stays under its entry bound, dropping the least recently used", () => {
    const cache = createTokenCache({ clock: () => 0, marginMs: 0, maxEntries: 3, maxBytes: 10_000 });
    for (const key of ["a", "b", "c"]) cache.set(key, "t", 300);
    expect(cache.get("a")).toBe("t");
    cache.set("d", "t", 300);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe("t");
    expect(cache.size()).toEqual({ entries: 3, bytes: 6 });
  });

  it("stays under its byte bound, and never caches a token larger than the bound", () => {
    const cache = createTokenCache({ clock: () => 0, marginMs: 0, maxEntries: 1000, maxBytes: 1000 });
    for (let i = 0; i < 50; i++) cache.set(`k${i}`, "x".repeat(100), 300);
    expect(cache.size().bytes).toBeLessThanOrEqual(1000);
    expect(cache.size().entries).toBe(9);
    cache.set("huge", "x".repeat(5000), 300);
    expect(cache.get("huge")).toBeUndefined();
    expect(cache.size().bytes).toBeLessThanOrEqual(1000);
  });

  it("does not cache a token that expires within the margin", () => {
    const cache = createTokenCache({ clock: () => 0, marginMs: 60_000, ...bounds });
    cache.set("k", "t", 60);
    expect(cache.get("k")).toBeUndefined();
    expect(cache.size().entries).toBe(0);
  });
});

describe("tokenCacheKey", () => {
  const base = { registry: "r", realm: "https://r/token", scope: "repository:a:pull" };
  const user = { username: "u", password: "p" };

  it("differs by credential and scope", () => {
    expect(tokenCacheKey({ ...base, credentials: undefined })).not.toBe(
      tokenCacheKey({ ...base, credentials: user }),
    );
    expect(tokenCacheKey({ ...base, credentials: user })).not.toBe(
      tokenCacheKey({ ...base, scope: "repository:b:pull", credentials: user }),
    );
    expect(tokenCacheKey({ ...base, credentials: user })).not.toBe(
      tokenCacheKey({ ...base, credentials: { ...user, password: "rotated" } }),
    );
  });

  it("never holds the password", () => {
    expect(tokenCacheKey({ ...base, credentials: { username: "u", password: "hunter2" } })).not.toContain(
      "hunter2",
    );
  });
});
