import { describe, expect, it } from "vitest";
import { isAllowedTag } from "../../../../src/core/policy/is-allowed-tag.ts";
import type { Policy } from "../../../../src/core/policy/policy-spec.ts";
import { aSpec } from "../../../helpers/policy-spec.ts";

// Columns: #, current, candidate, policy, pattern, expected, why. The numbers are the rows of
// docs/design/original-headwind.md; "fixed" marks a row where the original answer was a bug, "scheme"
// a row where the original moved between tag schemes and Headwind now keeps the user's scheme.
const rows: [number, string, string, Policy, string | undefined, boolean, string][] = [
  [1, "1.2.3", "1.2.4", "patch", undefined, true, ""],
  [2, "1.2.3", "1.3.0", "patch", undefined, false, ""],
  [3, "1.2.3", "2.0.0", "patch", undefined, false, ""],
  [4, "1.2.3", "1.2.3", "patch", undefined, false, ""],
  [5, "1.2.4", "1.2.3", "patch", undefined, false, "downgrade"],
  [6, "v1.2.3", "v1.2.4", "patch", undefined, true, ""],
  [7, "v1.0.0", "1.0.1", "patch", undefined, false, "scheme: a v prefix is kept"],
  [8, "1.0.0", "v1.0.1", "patch", undefined, false, "scheme: no v stays no v"],
  [9, "1.0.0-rc1", "1.0.0", "patch", undefined, true, "pre-release to its release"],
  [10, "1.0.0+build1", "1.0.1+build1", "patch", undefined, true, ""],
  [11, "invalid", "also-invalid", "patch", undefined, false, ""],
  [12, "1.0.0", "invalid", "patch", undefined, false, ""],
  [13, "v1.28.0", "v1.28.1", "patch", undefined, true, ""],
  [14, "1.2.3", "1.2.4-rc.1", "patch", undefined, false, "fixed: pre-releases are opt-in"],
  [15, "1.25.3-alpine", "1.25.3", "patch", undefined, false, "fixed: variant kept"],
  [16, "1.25.3", "1.25.4-alpine", "patch", undefined, false, "fixed: variant kept"],
  [17, "1.25.3-alpine", "1.25.4-alpine", "patch", undefined, true, ""],
  [18, "14.5", "14.6", "minor", undefined, true, "fixed: two-part tags are versions"],
  [19, "1.2.3", "latest", "major", undefined, false, ""],
  [20, "latest", "1.2.3", "major", undefined, false, ""],
  [21, "1.0.0", "1.0.0+build2", "patch", undefined, false, "fixed: build metadata does not order"],
  [22, "vv1.2.3", "1.2.4", "patch", undefined, false, "a doubled v is another prefix"],
  [23, "release-1.2.3", "release-1.2.4", "patch", undefined, true, ""],
  [24, "release-v1.2.3", "1.2.4", "patch", undefined, false, "prefix differs"],
  [25, "V1.2.3", "V1.2.4", "patch", undefined, true, "fixed: capital V reads as v"],
  [26, "1.02.3", "1.2.4", "patch", undefined, true, "leading zeros read as numbers"],
  [27, "1.2.3.4", "1.2.3.5", "patch", undefined, true, "fixed: a fourth part orders"],
  [28, "1.2.3", "1.3.0", "minor", undefined, true, ""],
  [29, "1.2.3", "1.3.5", "minor", undefined, true, ""],
  [30, "1.2.3", "1.2.4", "minor", undefined, true, ""],
  [31, "1.2.3", "2.0.0", "minor", undefined, false, ""],
  [32, "1.3.0", "1.3.0", "minor", undefined, false, ""],
  [33, "v1.28.0", "v1.29.0", "minor", undefined, true, ""],
  [34, "0.1.0", "0.2.0", "minor", undefined, true, "no 0.x special case"],
  [35, "1.9.0", "1.10.0", "minor", undefined, true, "numeric, not lexical"],
  [36, "1.2.3", "2.0.0", "major", undefined, true, ""],
  [37, "1.9.9", "2.0.0", "major", undefined, true, ""],
  [38, "2.0.0", "2.0.0", "major", undefined, false, ""],
  [39, "2.0.0", "1.0.0", "major", undefined, false, ""],
  [40, "1.0.0", "2.0.0", "all", undefined, true, ""],
  [40, "1.0.0", "1.1.0", "all", undefined, true, ""],
  [40, "1.0.0", "1.0.1", "all", undefined, true, ""],
  [41, "1.0.0", "1.0.0", "all", undefined, false, ""],
  [42, "2.0.0", "1.9.9", "all", undefined, false, "fixed: all never downgrades"],
  [43, "1.0.0-alpha", "1.0.0-beta", "all", undefined, true, "current is a pre-release"],
  [44, "1.0.0+build1", "1.0.0+build2", "all", undefined, false, "fixed: build metadata does not order"],
  [45, "2024-01-01", "2024-01-02", "all", undefined, true, "date tags order"],
  [46, "invalid", "1.0.0", "all", undefined, false, "fixed: nothing to compare against"],
  [47, "1.2.3", "latest", "all", undefined, false, "fixed: latest is not newer"],
  [48, "1.0.0", "1.0.0", "force", undefined, false, "no change is no update"],
  [49, "2.0.0", "1.0.0", "force", undefined, true, "force follows the list"],
  [50, "1.0.0", "2.0.0", "none", undefined, false, ""],
  [51, "v1.0.0", "v1.1.0", "glob", "v1.*", true, ""],
  [52, "v1.0.0", "v2.0.0", "glob", "v1.*", false, ""],
  [53, "1.0.0-stable", "1.1.0-beta", "glob", "*-stable", false, ""],
  [54, "prod-v1", "prod-v2", "glob", "prod-*", true, ""],
  [55, "prod-v1", "dev-v2", "glob", "prod-*", false, ""],
  [56, "app-v1.0.0-prod", "app-v1.1.0-prod", "glob", "app-*-prod", true, ""],
  [57, "1.0.0", "2.0.0", "glob", undefined, false, "glob without a pattern"],
  [58, "1.0.0", "1.0.0", "glob", "1.*", false, "fixed: no change is no update"],
  [59, "1.0.0", "0.9.0", "glob", "*", false, "fixed: glob never downgrades"],
  [60, "v1.0", "v1.10", "glob", "v1.*.*", false, "two stars need two more dots"],
  [61, "v1.2.0", "v1.3.0", "glob", "v1.*.0", true, "fixed: any number of stars"],
  [62, "1.25.3-alpine3.18", "1.27.0-alpine3.19", "minor", undefined, true, "same variant family"],
  [63, "1.25.3-alpine", "1.27.0-perl", "minor", undefined, false, "other variant"],
  [64, "42", "43", "major", undefined, true, "build numbers"],
  [65, "main-abc", "main-abd", "glob", "main-*", true, "text order when not versions"],
  [66, "1.0.0", "1.0.1.sig", "all", undefined, false, "default exclusion"],
  [67, "sha256-1", "sha256-2", "force", undefined, false, "default exclusion"],
];

// Tag schemes as users mean them: the prefix (a `v` included) is kept, a floating variant stays
// floating, a numbered variant moves within its numbered family. Columns as above, without #.
const schemes: [string, string, Policy, boolean, string][] = [
  ["v1.2.3", "v1.3.0", "minor", true, "v to v"],
  ["v1.2.3", "1.3.0", "minor", false, "v never to no v"],
  ["1.2.3", "v1.3.0", "major", false, "no v never to v"],
  ["V1.2.3", "v1.2.4", "patch", true, "a capital V is still the v scheme"],
  ["release-1.2.3", "1.2.4", "patch", false, "any prefix is kept"],
  ["1.25-alpine", "1.26-alpine", "minor", true, "floating to floating"],
  ["1.25-alpine", "1.26-alpine3.19", "minor", false, "floating never to numbered"],
  ["1.25.3-alpine", "2.0.0-alpine3.19", "major", false, "floating never to numbered"],
  ["1.25-alpine3.18", "1.26-alpine3.19", "minor", true, "numbered moves up its family"],
  ["1.25-alpine3.18", "1.26-alpine", "minor", false, "numbered never to floating"],
  ["1.25-alpine3.18", "1.26-slim3.19", "minor", false, "another family"],
  ["1.2.3-debian-12-r4", "1.2.4-debian-12-r0", "patch", true, "a revision counter restarts"],
  ["1.2.3", "1.2.4-1", "patch", false, "a revision suffix is another scheme"],
];

describe("isAllowedTag", () => {
  it.each(rows)("#%i %s -> %s under %s (%s) is %s %s", (_n, current, next, policy, pattern, expected) => {
    expect(isAllowedTag(aSpec(policy, { pattern }), current, next)).toBe(expected);
  });

  it.each(schemes)("keeps the scheme: %s -> %s under %s is %s (%s)", (current, next, policy, expected) => {
    expect(isAllowedTag(aSpec(policy), current, next)).toBe(expected);
  });

  it("keeps the scheme under semver too", () => {
    const spec = aSpec("semver", { constraint: "^1.0.0" });
    expect(isAllowedTag(spec, "v1.2.3", "v1.3.0")).toBe(true);
    expect(isAllowedTag(spec, "v1.2.3", "1.3.0")).toBe(false);
    expect(isAllowedTag(spec, "1.2-alpine", "1.3-alpine3.19")).toBe(false);
  });

  it.each([
    ["1.2.3", "1.2.4-rc.1", true],
    ["1.2.3", "2.0.0-beta.1", true],
  ])("offers pre-releases with include-prereleases: %s -> %s", (current, next, expected) => {
    expect(isAllowedTag(aSpec("major", { includePrereleases: true }), current, next)).toBe(expected);
  });

  it.each([
    ["1.2.3", "1.4.0", "^1.2.0", true],
    ["1.2.3", "2.0.0", "^1.2.0", false],
    ["1.2.3", "1.2.2", ">=1.0.0", false],
    ["latest", "1.9.0", "~1.9", true],
    ["1.2", "1.3", ">=1.2 <2", true],
    ["1.2.3", "1.3.0-rc.1", "^1.2.0", false],
  ])("semver %s -> %s within %s is %s", (current, next, constraint, expected) => {
    expect(isAllowedTag(aSpec("semver", { constraint }), current, next)).toBe(expected);
  });

  it.each([
    ["main-41", "main-42", "^main-(\\d+)$", true],
    ["main-9", "main-10", "^main-(\\d+)$", true],
    ["main-10", "main-9", "^main-(\\d+)$", false],
    ["main-10", "dev-11", "^main-(\\d+)$", false],
    ["1.2.3", "1.3.0", "^1\\.(?<version>\\d+\\.\\d+)$", true],
    ["x", "y", "(", false],
  ])("regex %s -> %s with %s is %s", (current, next, pattern, expected) => {
    expect(isAllowedTag(aSpec("regex", { pattern }), current, next)).toBe(expected);
  });

  it("honours the user's exclusions as well as the defaults", () => {
    const spec = aSpec("minor", { exclude: ["*.sig", "1.3.*"] });
    expect(isAllowedTag(spec, "1.2.0", "1.3.0")).toBe(false);
    expect(isAllowedTag(spec, "1.2.0", "1.4.0")).toBe(true);
  });
});
