import { describe, expect, it } from "vitest";
import { hmacHex } from "../../../../../src/sidecar/webhooks/auth/hmac-hex.ts";

describe("hmacHex", () => {
  // Vectors from docs/design/registry-protocols.md, Webhooks: GitHub Packages / C.10.
  it.each([
    ["sha256", "b1bdcfb6ab7695902cda9939dd07ba0d72431bcfcc79ad70f04c720b99aa71bc"],
    ["sha1", "9fd248acd5cb4d2d5d48de590a676329d23c11ea"],
  ] as const)("%s matches the documented vector", (algorithm, expected) => {
    expect(hmacHex(algorithm, "fixture-secret", new TextEncoder().encode('{"action":"published"}'))).toBe(
      expected,
    );
  });

  it("hashes parts as if concatenated", () => {
    const whole = hmacHex("sha256", "k", "12.body");
    expect(hmacHex("sha256", "k", "12.", new TextEncoder().encode("body"))).toBe(whole);
  });
});
