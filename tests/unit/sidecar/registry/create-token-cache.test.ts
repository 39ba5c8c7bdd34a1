import { describe, expect, it } from "vitest";
import { createTokenCache, tokenCacheKey } from "../../../../src/sidecar/registry/create-token-cache.ts";

describe("createTokenCache", () => {
  it("keeps a token until expires_in minus the margin", () => {
    let now = 1_000_000;
    const cache = createTokenCache({ now: () => now, marginMs: 10_000 });
    cache.set("k", "t", 60);
    now += 49_999;
    expect(cache.get("k")).toBe("t");
    now += 1;
    expect(cache.get("k")).toBeUndefined();
    expect(cache.get("other")).toBeUndefined();
  });

  it("keys differ by user and scope", () => {
    const base = { registry: "r", realm: "https://r/token", service: "s", scope: "repository:a:pull" };
    expect(tokenCacheKey({ ...base, username: undefined })).not.toBe(
      tokenCacheKey({ ...base, username: "u" }),
    );
    expect(tokenCacheKey({ ...base, username: "u" })).not.toBe(
      tokenCacheKey({ ...base, scope: "repository:b:pull", username: "u" }),
    );
  });
});
