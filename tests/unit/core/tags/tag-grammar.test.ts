import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isValidDigest, isValidTag } from "../../../../src/core/tags/tag-grammar.ts";

const sha256 = `sha256:${"a1".repeat(32)}`;
const sha512 = `sha512:${"0f".repeat(64)}`;

describe("isValidTag", () => {
  it.each([
    ["1.2.3", true],
    ["v1.2.3-rc.1", true],
    ["_private", true],
    ["latest", true],
    ["A".repeat(128), true],
    ["A".repeat(129), false],
    ["", false],
    [".hidden", false],
    ["-dash", false],
    ["1.0\nevil", false],
    ["1.0\r", false],
    ["a/b", false],
    ["a:b", false],
    ["a b", false],
    ["é", false],
    ["1.0@sha256", false],
  ])("%j → %s", (tag, valid) => {
    expect(isValidTag(tag)).toBe(valid);
  });

  it("accepts exactly the grammar's alphabet (property)", () => {
    const alphabet = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.stringMatching(/^[\w.\n-]{1,140}$/)), (tag) => {
        expect(isValidTag(tag)).toBe(alphabet.test(tag));
      }),
    );
  });

  it("decides a 1 MB hostile string without scanning it", () => {
    expect(isValidTag("a".repeat(1_000_000))).toBe(false);
  });
});

describe("isValidDigest", () => {
  it.each([
    [sha256, true],
    [sha512, true],
    [`sha256:${"A1".repeat(32)}`, false],
    [`sha256:${"a".repeat(63)}`, false],
    [`sha256:${"a".repeat(65)}`, false],
    [`sha512:${"a".repeat(64)}`, false],
    [`md5:${"a".repeat(32)}`, false],
    [`sha384:${"a".repeat(96)}`, false],
    [`toString:${"a".repeat(64)}`, false],
    [`__proto__:${"a".repeat(64)}`, false],
    [`sha256:${"a".repeat(63)}\n`, false],
    ["sha256", false],
    ["", false],
    [`${sha256}\n`, false],
    [` ${sha256}`, false],
  ])("%j → %s", (digest, valid) => {
    expect(isValidDigest(digest)).toBe(valid);
  });
});
