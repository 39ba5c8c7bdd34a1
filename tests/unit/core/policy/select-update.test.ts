import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseImageRef } from "../../../../src/core/images/image-ref.ts";
import { isAllowedTag } from "../../../../src/core/policy/is-allowed-tag.ts";
import type { Policy, PolicySpec } from "../../../../src/core/policy/policy-spec.ts";
import { bestTag as bestOf, selectUpdate } from "../../../../src/core/policy/select-update.ts";
import { indexTags } from "../../../../src/core/policy/tag-index.ts";
import { compareKeys, orderKey } from "../../../../src/core/policy/tag-order.ts";
import { compareVersionTags, parseVersionTag } from "../../../../src/core/policy/version-tag.ts";
import { aSpec } from "../../../helpers/policy-spec.ts";

const observed = (tags: string[], digests: Record<string, string> = {}) => ({
  repository: "docker.io/library/nginx",
  tags,
  digests,
  truncated: false,
});

function ref(image: string) {
  const parsed = parseImageRef(image);
  if (parsed === undefined) throw new Error(`bad test image ${image}`);
  return parsed;
}

const bestTag = (spec: PolicySpec, current: string, tags: readonly string[]) =>
  bestOf(spec, current, indexTags(tags));

const d1 = `sha256:${"1".repeat(64)}`;
const d2 = `sha256:${"2".repeat(64)}`;

/** The plain reading the index must agree with: every allowed tag, the highest, ties to spelling. */
function readingEveryTag(spec: PolicySpec, current: string, tags: readonly string[]): string | undefined {
  const score = (tag: string) => {
    const [a, b] = [parseVersionTag(current), parseVersionTag(tag)];
    return a && b ? (a.hasV === b.hasV ? 2 : 0) + (a.variant === b.variant ? 1 : 0) : 0;
  };
  let best: string | undefined;
  for (const tag of tags) {
    if (!isAllowedTag(spec, current, tag)) continue;
    const order = best === undefined ? 1 : compareKeys(orderKey(tag), orderKey(best));
    if (order > 0 || (order === 0 && best !== undefined && score(tag) > score(best))) best = tag;
  }
  return best;
}

describe("bestTag", () => {
  // Columns: current, policy, pattern, tags in registry order, best. Rows of docs/design/original-headwind.md.
  it.each<[string, Policy, string | undefined, string[], string | undefined]>([
    // The original picked v1.2.6 here; the v scheme is now kept (issue 9).
    ["1.2.3", "patch", undefined, ["1.2.4", "1.2.5", "1.3.0", "latest", "v1.2.6"], "1.2.5"],
    ["v1.2.3", "patch", undefined, ["1.2.4", "1.2.5", "1.3.0", "latest", "v1.2.6"], "v1.2.6"],
    ["1.25-alpine", "minor", undefined, ["1.26-alpine", "1.27-alpine3.19", "1.27"], "1.26-alpine"],
    ["1.25-alpine3.18", "minor", undefined, ["1.26-alpine", "1.27-alpine3.19", "1.27"], "1.27-alpine3.19"],
    ["1.2.3", "minor", undefined, ["1.3.0", "1.2.9", "2.0.0", "1.4.1"], "1.4.1"],
    ["1.2.3", "patch", undefined, ["1.2.4", "1.2.5-rc1"], "1.2.4"],
    ["1.25.3-alpine", "patch", undefined, ["1.25.4-alpine", "1.25.4", "1.25.3"], "1.25.4-alpine"],
    ["1.2.3", "major", undefined, ["latest", "stable", "main"], undefined],
    ["v1.0", "glob", "v1.*", ["v1.0", "v1.10", "v1.9", "v2.0"], "v1.10"],
    ["1.0.0", "all", undefined, ["2.0.0", "0.9.0"], "2.0.0"],
    ["2.0.0", "all", undefined, ["1.0.0", "2.0.0"], undefined],
    ["1.0.0", "force", undefined, ["0.9.0", "1.0.0"], undefined],
    ["1.2.3", "patch", undefined, ["1.2.4", "v1.2.4"], "1.2.4"],
    ["v1.2.3", "patch", undefined, ["1.2.4", "v1.2.4"], "v1.2.4"],
    ["1.2.3", "minor", undefined, ["1.10.0", "1.9.0", "1.2.10"], "1.10.0"],
  ])("from %s under %s (%s) over %j picks %s", (current, policy, pattern, tags, best) => {
    expect(bestTag(aSpec(policy, { pattern }), current, tags)).toBe(best);
  });

  it("does not depend on the registry's order", () => {
    const tags = ["1.2.4", "1.3.0", "1.3.1", "2.0.0", "1.3.1-rc.1", "latest"];
    fc.assert(
      fc.property(fc.shuffledSubarray(tags, { minLength: tags.length }), (shuffled) => {
        expect(bestTag(aSpec("minor"), "1.2.3", shuffled)).toBe("1.3.1");
      }),
    );
  });

  it.each<Policy>(["patch", "minor", "major", "semver", "all", "glob"])(
    "finds under %s what reading every allowed tag finds",
    (policy) => {
      const tag = fc
        .tuple(
          fc.constantFrom("", "v", "release-"),
          fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3)),
          fc.constantFrom("", "-alpine", "-alpine3.18", "-alpine3.19", "-rc.1", "-rc.2", "+b1", "+b2"),
        )
        .map(([prefix, numbers, suffix]) => `${prefix}${numbers.join(".")}${suffix}`);
      const spec = aSpec(policy, { constraint: ">=1.0.0", pattern: "*1*", includePrereleases: true });
      fc.assert(
        fc.property(tag, fc.array(tag, { maxLength: 40 }), (current, tags) => {
          expect(bestTag(spec, current, tags)).toBe(readingEveryTag(spec, current, tags));
        }),
        { numRuns: 500 },
      );
    },
  );

  it.each<Policy>(["patch", "minor", "major", "semver", "all"])(
    "never proposes a downgrade under %s",
    (policy) => {
      const version = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map((n) => n.join("."));
      fc.assert(
        fc.property(version, fc.array(version, { maxLength: 30 }), (current, tags) => {
          const best = bestTag(aSpec(policy, { constraint: ">=0.0.0" }), current, tags);
          if (best === undefined) return;
          const [a, b] = [parseVersionTag(best), parseVersionTag(current)];
          expect(a && b && compareVersionTags(a, b)).toBe(1);
        }),
      );
    },
  );
});

describe("selectUpdate", () => {
  it("writes the new tag in the user's own spelling", () => {
    const result = selectUpdate(ref("nginx:1.25.3"), aSpec("minor"), observed(["1.25.3", "1.27.0"]));
    expect(result).toEqual({ kind: "update", tag: "1.27.0", digest: undefined, image: "nginx:1.27.0" });
  });

  it("keeps a registry port and path as written", () => {
    const result = selectUpdate(ref("registry:5000/a/b:v1"), aSpec("major"), observed(["v2"]));
    expect(result).toMatchObject({ kind: "update", image: "registry:5000/a/b:v2" });
  });

  it("keeps a digest pin by pinning the new tag's digest", () => {
    const result = selectUpdate(
      ref(`nginx:1.25.3@${d1}`),
      aSpec("patch"),
      observed(["1.25.4"], { "1.25.4": d2 }),
    );
    expect(result).toMatchObject({ kind: "update", image: `nginx:1.25.4@${d2}` });
  });

  it("waits rather than drop a digest pin when the new digest is unknown", () => {
    const result = selectUpdate(ref(`nginx:1.25.3@${d1}`), aSpec("patch"), observed(["1.25.4"]));
    expect(result).toEqual({ kind: "waiting", tag: "1.25.4", reason: "digest of 1.25.4 not observed yet" });
  });

  it("follows the digest of a mutable tag under the digest policy", () => {
    expect(
      selectUpdate(ref(`app:latest@${d1}`), aSpec("digest"), observed(["latest"], { latest: d2 })),
    ).toMatchObject({ kind: "update", image: `app:latest@${d2}` });
    expect(selectUpdate(ref("app"), aSpec("digest"), observed(["latest"], { latest: d2 }))).toMatchObject({
      kind: "update",
      image: `app:latest@${d2}`,
    });
    expect(
      selectUpdate(ref(`app:latest@${d2}`), aSpec("digest"), observed(["latest"], { latest: d2 })),
    ).toMatchObject({ kind: "none" });
  });

  it("has nothing to follow for a digest-only reference", () => {
    expect(selectUpdate(ref(`app@${d1}`), aSpec("major"), observed(["2.0.0"]))).toMatchObject({
      kind: "none",
    });
  });

  it("does nothing under policy none", () => {
    expect(selectUpdate(ref("app:1.0.0"), aSpec("none"), observed(["2.0.0"]))).toMatchObject({
      kind: "none",
    });
  });
});
