import { describe, expect, it } from "vitest";
import { safeEqual } from "../../../../src/core/crypto/safe-equal.ts";

describe("safeEqual", () => {
  // columns: actual | expected | equal
  it.each([
    ["secret", "secret", true],
    ["secret", "secreT", false],
    ["secret", "secret ", false],
    ["", "", true],
    ["", "x", false],
    ["é", "e\u0301", false],
  ])("safeEqual(%j, %j) is %s", (actual, expected, equal) => {
    expect(safeEqual(actual, expected)).toBe(equal);
  });
});
