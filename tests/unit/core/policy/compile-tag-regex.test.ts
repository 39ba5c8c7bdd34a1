import { describe, expect, it } from "vitest";
import {
  compileTagRegex,
  maxCaptureGroups,
  maxPatternLength,
  maxProgramSize,
} from "../../../../src/core/policy/compile-tag-regex.ts";

function compiled(source: string) {
  const result = compileTagRegex(source);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe("compileTagRegex", () => {
  // Columns: pattern, tag, what orders it (undefined: no match).
  it.each<[string, string, string | undefined]>([
    ["^main-(\\d+)$", "main-42", "42"],
    ["^main-(\\d+)$", "dev-42", undefined],
    ["main-(\\d+)", "xmain-7y", "7"],
    ["^1\\.(?<version>\\d+\\.\\d+)$", "1.3.0", "3.0"],
    ["^(?P<version>\\d+)-(alpine)$", "12-alpine", "12"],
    ["^(x)?(?<version>\\d+)$", "12", "12"],
    ["^(x)?(\\d+)$", "12", "12"],
    ["-alpine$", "1.2-alpine", "1.2-alpine"],
    ["^v", "v1", "v1"],
    ["(?i)^RELEASE-(\\d+)$", "release-3", "3"],
  ])("%s reads %s as %s", (pattern, tag, expected) => {
    expect(compiled(pattern).read(tag)).toBe(expected);
  });

  it.each<[string, string]>([
    ["(", 'not a valid regular expression (RE2 syntax: missing closing ) at "(")'],
    [
      "^(?=v)\\d+$",
      'not a valid regular expression (RE2 syntax: invalid or unsupported Perl syntax at "(?=")',
    ],
    ["(a)\\1", 'not a valid regular expression (RE2 syntax: invalid escape sequence at "\\\\1")'],
    ["a{1001}", 'not a valid regular expression (RE2 syntax: invalid repeat count at "{1001}")'],
    ["x".repeat(maxPatternLength + 1), `longer than ${maxPatternLength} characters`],
    [
      "^(a)(b)(c)(d)(e)$",
      `more than ${maxCaptureGroups} capturing groups; use (?:…) to group without capturing`,
    ],
  ])("refuses %s: %s", (pattern, error) => {
    expect(compileTagRegex(pattern)).toEqual({ ok: false, error });
  });

  it("bounds a pattern RE2 cannot run one-pass, whatever its length", () => {
    const result = compileTagRegex("(.*a){6}$");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(
      /^too costly to run on untrusted tags \(33 RE2 instructions; at most 16 /,
    );
  });

  it("lets a long one-pass pattern through: it costs one step per character", () => {
    const pattern = `^v(\\d+)\\.(\\d+)\\.(\\d+)-(?:${["alpine", "bookworm", "bullseye", "slim", "jammy"].join("|")})[0-9.]*$`;
    expect(compiled(pattern).read("v1.2.3-bookworm12")).toBe("1");
  });

  it(`accepts the issue's backtracking classic, which RE2 runs within ${maxProgramSize} instructions`, () => {
    expect(compiled("^(a+)+$").read(`${"a".repeat(127)}!`)).toBeUndefined();
  });
});
