import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob } from "../../../../src/core/policy/compile-glob.ts";

/** The translation the matcher replaced: the meaning to keep, run only on short inputs. */
function oldGlob(pattern: string): RegExp {
  const escaped = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${escaped}$`, "s");
}

describe("compileGlob", () => {
  it.each<[string, string, boolean]>([
    ["v1.*", "v1.10", true],
    ["v1.*", "v2.0", false],
    ["*", "", true],
    ["*", "anything", true],
    ["", "", true],
    ["", "x", false],
    ["1.2.3", "1.2.3", true],
    ["1.2.3", "1x2x3", false],
    ["*.sig", "sha256-abc.sig", true],
    ["*.sig", "1.0.sigx", false],
    ["sha256-*", "sha256-abc", true],
    ["app-*-prod", "app-v1.0.0-prod", true],
    ["app-*-prod", "app-prod", false],
    ["a*a", "a", false],
    ["a*a", "aa", true],
    ["v1.*.*", "v1.10", false],
    ["v1.*.0", "v1.3.0", true],
    ["**", "x", true],
    ["*ab*ab*", "abab", true],
    ["*ab*ab*", "aba", false],
    ["*a*a*a*a*b", `${"a".repeat(100)}b`, true],
    ["*a*a*a*a*b", "a".repeat(100), false],
    ["1.?", "1.1", false],
    ["1.[0-9]", "1.5", false],
  ])("%j against %j is %s", (glob, tag, expected) => {
    expect(compileGlob(glob)(tag)).toBe(expected);
  });

  it("means what the regular-expression translation meant", () => {
    const alphabet = fc.constantFrom(..."ab.*");
    const glob = fc.array(alphabet, { maxLength: 8 }).map((c) => c.join(""));
    const tag = fc.array(fc.constantFrom(..."ab."), { maxLength: 10 }).map((c) => c.join(""));
    fc.assert(
      fc.property(glob, tag, (g, t) => {
        expect(compileGlob(g)(t)).toBe(oldGlob(g).test(t));
      }),
      { numRuns: 5_000 },
    );
  });
});
