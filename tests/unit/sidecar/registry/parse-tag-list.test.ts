import { describe, expect, it } from "vitest";
import { parseTagList } from "../../../../src/sidecar/registry/parse-tag-list.ts";

describe("parseTagList", () => {
  it.each([
    { name: "a page", body: { name: "a/b", tags: ["1.0", "latest"] }, expected: ["1.0", "latest"] },
    { name: "distribution's null for no tags", body: { name: "a/b", tags: null }, expected: [] },
    { name: "missing tags", body: { name: "a/b" }, expected: [] },
    { name: "non-string tag", body: { tags: ["1.0", 2] }, expected: undefined },
    { name: "tags not a list", body: { tags: "1.0" }, expected: undefined },
    { name: "not an object", body: "tags", expected: undefined },
    { name: "unreadable JSON (undefined)", body: undefined, expected: undefined },
  ])("reads $name", ({ body, expected }) => {
    expect(parseTagList(body)).toEqual(expected);
  });
});
