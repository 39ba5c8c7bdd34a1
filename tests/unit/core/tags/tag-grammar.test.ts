import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isValidDigest, isValidTag, maxTagLength } from "../../../../src/core/tags/tag-grammar.ts";

const hex64 = "0123456789abcdef".repeat(4);

describe("isValidTag", () => {
  it.each<[string, boolean, string?]>([
    ["latest", true],
    ["1.25.3-alpine3.19", true],
    ["_private", true],
    ["v1.0.0_rc.1", true],
    ["A", true],
    ["x".repeat(maxTagLength), true],
    ["x".repeat(maxTagLength + 1), false, "over 128 characters"],
    ["", false, "empty"],
    [".hidden", false, "starts with a dot"],
    ["-rc", false, "starts with a dash"],
    ["1.0\n2.0", false, "a newline would split the ConfigMap encoding"],
    ["1.0\r", false, "carriage return"],
    ["1.0 beta", false, "space"],
    ["1.0+build", false, "plus is not in the tag alphabet"],
    ["v1:2", false, "colon"],
    ["ünïcode", false, "non-ASCII"],
    ["sha256:abc", false, "a digest is not a tag"],
  ])("%j is %s %s", (tag, expected) => {
    expect(isValidTag(tag)).toBe(expected);
  });

  it("accepts exactly the grammar's alphabet", () => {
    const head = fc.constantFrom(..."abcXYZ019_");
    const rest = fc.constantFrom(..."abcXYZ019_.-");
    const valid = fc
      .tuple(head, fc.array(rest, { maxLength: maxTagLength - 1 }))
      .map(([h, r]) => h + r.join(""));
    fc.assert(fc.property(valid, (tag) => isValidTag(tag)));
    fc.assert(
      fc.property(valid, fc.string({ minLength: 1, maxLength: 3 }), fc.nat(), (tag, noise, at) => {
        const bad = noise.replace(/[A-Za-z0-9._-]/g, "");
        fc.pre(bad.length > 0);
        const i = at % (tag.length + 1);
        expect(isValidTag(tag.slice(0, i) + bad + tag.slice(i))).toBe(false);
      }),
    );
  });
});

describe("isValidDigest", () => {
  it.each<[string, boolean, string?]>([
    [`sha256:${hex64}`, true],
    [`sha512:${hex64}${hex64}`, true],
    [`blake3:${hex64}`, true],
    [`sha256:${hex64.slice(1)}`, false, "one hex digit short"],
    [`sha256:${hex64}0`, false, "one hex digit long"],
    [`sha256:${hex64.toUpperCase()}`, false, "upper-case hex"],
    [`sha512:${hex64}`, false, "sha512 needs 128 digits"],
    [`md5:${hex64}`, false, "unregistered algorithm"],
    [`constructor:${hex64}`, false, "no prototype keys"],
    [`sha256:${hex64.slice(1)}g`, false, "not hex"],
    [`sha256:${hex64}\n`, false, "newline"],
    ["sha256:abc", false, "short"],
    [hex64, false, "no algorithm"],
    ["", false, "empty"],
  ])("%j is %s %s", (digest, expected) => {
    expect(isValidDigest(digest)).toBe(expected);
  });
});
