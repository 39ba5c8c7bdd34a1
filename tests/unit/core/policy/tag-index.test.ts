import { describe, expect, it } from "vitest";
import { indexTags } from "../../../../src/core/policy/tag-index.ts";
import { parseVersionTag } from "../../../../src/core/policy/version-tag.ts";

function version(tag: string) {
  const parsed = parseVersionTag(tag);
  if (parsed === undefined) throw new Error(`${tag} should read as a version`);
  return parsed;
}

describe("indexTags", () => {
  const tags = ["1.9.0", "v1.10.0", "latest", "1.10.0", "1.10.0-alpine", "1.2.0", "1.10.0+b2", "v2.0.0"];
  const index = indexTags(tags);

  it("keeps every tag in the registry's order, each read once", () => {
    expect(index.entries.map((entry) => entry.tag)).toEqual(tags);
    expect(index.entries[2]?.version).toBeUndefined();
    expect(index.entries[0]?.version).toMatchObject({ numbers: [1, 9, 0] });
  });

  it("answers membership", () => {
    expect(index.has("latest")).toBe(true);
    expect(index.has("1.10")).toBe(false);
  });

  it("orders each scheme highest first, equal versions in the registry's order", () => {
    expect(index.scheme(version("1.0.0")).map((entry) => entry.tag)).toEqual([
      "1.10.0",
      "1.10.0+b2",
      "1.9.0",
      "1.2.0",
    ]);
    expect(index.scheme(version("v0.1")).map((entry) => entry.tag)).toEqual(["v2.0.0", "v1.10.0"]);
    expect(index.scheme(version("3.0-alpine")).map((entry) => entry.tag)).toEqual(["1.10.0-alpine"]);
    expect(index.scheme(version("3.0-slim"))).toEqual([]);
  });

  it("sorts a scheme once, on first use", () => {
    const first = index.scheme(version("1.0.0"));
    expect(index.scheme(version("2.0.0"))).toBe(first);
  });
});
