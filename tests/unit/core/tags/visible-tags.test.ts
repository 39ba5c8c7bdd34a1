import { describe, expect, it } from "vitest";
import type { ObservedTags } from "../../../../src/core/tags/tag-configmap.ts";
import { visibleTags } from "../../../../src/core/tags/visible-tags.ts";

const observed = (repository: string, namespace: string | undefined, tag: string): ObservedTags => ({
  repository,
  ...(namespace === undefined ? {} : { namespace }),
  tags: [tag],
  digests: {},
  truncated: false,
});

const shared = observed("r.io/app", undefined, "shared");
const teamA = observed("r.io/app", "team-a", "a");
const teamB = observed("r.io/app", "team-b", "b");
const other = observed("r.io/other", undefined, "o");

describe("visibleTags", () => {
  it.each([
    ["team-a", [shared, teamA, teamB, other], { "r.io/app": "a", "r.io/other": "o" }],
    ["team-a", [teamA, shared, teamB], { "r.io/app": "a" }],
    ["team-b", [teamA, shared, teamB], { "r.io/app": "b" }],
    ["team-c", [teamA, shared, teamB], { "r.io/app": "shared" }],
    // Another namespace's private read is never a fallback.
    ["team-c", [teamA, teamB], {}],
    ["team-a", [], {}],
  ])("for %s: %j", (namespace, list, expected) => {
    const seen = visibleTags(list, namespace, (o) => o);
    expect(Object.fromEntries([...seen].map(([repository, o]) => [repository, o.tags[0]]))).toEqual(expected);
  });
});
