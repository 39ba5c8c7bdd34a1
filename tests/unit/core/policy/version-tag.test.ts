import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareVersionTags,
  parseVersionTag,
  sameLine,
  sameScheme,
  type VersionTag,
} from "../../../../src/core/policy/version-tag.ts";

function parsed(tag: string): VersionTag {
  const version = parseVersionTag(tag);
  if (version === undefined) throw new Error(`${tag} should read as a version`);
  return version;
}

// The backtracking patterns the scanner replaced, kept as the oracle for short inputs only (on long
// hostile inputs they take seconds, which is why they are gone).
const oldShape =
  /^(?<prefix>[A-Za-z_-]*?)(?<v>[vV]?)(?<core>\d+(?:\.\d+){0,2})(?<suffix>[-._][0-9A-Za-z.\-_]*)?(?:\+[0-9A-Za-z.\-_]+)?$/;
const oldPrereleaseWord =
  /^(?:alpha|beta|rc|pre|preview|dev|snapshot|canary|nightly|next|milestone|ea|a|b|m)(?:[.\-_]?\d+)*(?:[.\-_]|$)/i;

function oldParse(tag: string) {
  const groups = oldShape.exec(tag)?.groups;
  if (groups === undefined) return undefined;
  const core = (groups.core ?? "").split(".").map(Number);
  const body = (groups.suffix ?? "").slice(1);
  const prerelease = body.length > 0 && oldPrereleaseWord.test(body) ? body : undefined;
  return {
    prefix: groups.prefix ?? "",
    hasV: (groups.v ?? "") !== "",
    numbers: [core[0] ?? 0, core[1] ?? 0, core[2] ?? 0],
    parts: core.length,
    prerelease,
    variant: prerelease === undefined ? body : "",
  };
}

describe("parseVersionTag", () => {
  // Columns: tag, prefix, v, numbers, pre-release, variant, family, numbered.
  it.each<[string, string, boolean, number[], string | undefined, string, string, boolean]>([
    ["1.2.3", "", false, [1, 2, 3], undefined, "", "", false],
    ["v1.2", "", true, [1, 2, 0], undefined, "", "", false],
    ["V42", "", true, [42, 0, 0], undefined, "", "", false],
    ["release-v1.2.3", "release-", true, [1, 2, 3], undefined, "", "", false],
    ["vv1.2.3", "v", true, [1, 2, 3], undefined, "", "", false],
    ["1.0.0-rc.1", "", false, [1, 0, 0], "rc.1", "", "", false],
    ["1.0-beta2", "", false, [1, 0, 0], "beta2", "", "", false],
    ["1.0.0-preview1", "", false, [1, 0, 0], "preview1", "", "", false],
    ["1.25.3-alpine", "", false, [1, 25, 3], undefined, "alpine", "alpine", false],
    ["1.25.3-alpine3.18", "", false, [1, 25, 3], undefined, "alpine3.18", "alpine", true],
    ["1.2.3-debian-12-r4", "", false, [1, 2, 3], undefined, "debian-12-r4", "debian--r", true],
    ["1.2.3.4", "", false, [1, 2, 3], undefined, "4", "", true],
    ["1.2.3x", "", false, [1, 2, 0], undefined, "3x", "x", true],
    ["1.0.0+build.5", "", false, [1, 0, 0], undefined, "", "", false],
    ["1.0.0-musl+build", "", false, [1, 0, 0], undefined, "musl", "musl", false],
  ])("%s", (tag, prefix, hasV, numbers, prerelease, variant, family, numbered) => {
    expect(parseVersionTag(tag)).toEqual({
      tag,
      prefix,
      hasV,
      numbers,
      parts: expect.any(Number),
      prerelease,
      variant,
      family,
      numbered,
    });
  });

  it.each(["latest", "", "v", "1.0+", "1.0.0+", "12x", "1.0 beta", "main-abc", "1".repeat(400)])(
    "reads %j as no version",
    (tag) => {
      expect(parseVersionTag(tag)).toBeUndefined();
    },
  );

  it("reads every short tag exactly as the backtracking patterns it replaced", () => {
    const tag = fc
      .array(fc.constantFrom(..."0123456789.-_+vVarcbetalpine"), { maxLength: 16 })
      .map((chars) => chars.join(""));
    fc.assert(
      fc.property(tag, (text) => {
        const now = parseVersionTag(text);
        const before = oldParse(text);
        if (before === undefined || before.numbers.some((n) => !Number.isSafeInteger(n))) {
          expect(now).toBeUndefined();
          return;
        }
        expect(now).toMatchObject(before);
      }),
      { numRuns: 5_000 },
    );
  });

  it("reads the tag that froze the old pattern at once", () => {
    expect(parseVersionTag(`1.0-rc${"1".repeat(40)}x`)).toMatchObject({ variant: `rc${"1".repeat(40)}x` });
  });
});

describe("sameScheme", () => {
  it.each([
    ["1.2.3", "1.3.0", true],
    ["v1.2.3", "v1.3.0", true],
    ["V1.2.3", "v1.3.0", true],
    ["v1.2.3", "1.3.0", false],
    ["1.2.3", "v1.3.0", false],
    ["release-1.2", "release-1.3", true],
    ["release-1.2", "1.3", false],
    ["1.25-alpine", "1.26-alpine", true],
    ["1.25-alpine", "1.26-alpine3.19", false],
    ["1.25-alpine3.18", "1.26-alpine3.19", true],
    ["1.25-alpine3.18", "1.26-alpine", false],
    ["1.25", "1.26-alpine", false],
    ["1.2.3", "1.2.4-1", false],
  ])("%s and %s: %s", (a, b, expected) => {
    expect(sameScheme(parsed(a), parsed(b))).toBe(expected);
  });

  it("is narrower than sameLine, which only says what can be ordered", () => {
    expect(sameLine(parsed("v1.2.3"), parsed("1.3.0"))).toBe(true);
    expect(sameLine(parsed("1.25-alpine"), parsed("1.26-alpine3.19"))).toBe(true);
  });
});

describe("compareVersionTags", () => {
  it.each([
    ["1.10.0", "1.9.0", 1],
    ["1.0.0", "1.0.0-rc.1", 1],
    ["1.0.0-rc.10", "1.0.0-rc.9", 1],
    ["1.0.0-beta10", "1.0.0-beta2", 1],
    ["1.0.0-rc.1", "1.0.0-rc.a", -1],
    ["1.0.0+b1", "1.0.0+b2", 0],
    ["1.25.3-alpine3.19", "1.25.3-alpine3.18", 1],
  ])("%s against %s is %i", (a, b, expected) => {
    expect(compareVersionTags(parsed(a), parsed(b))).toBe(expected);
  });
});
