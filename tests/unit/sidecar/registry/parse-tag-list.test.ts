import { describe, expect, it } from "vitest";
import { parseTagList } from "../../../../src/sidecar/registry/parse-tag-list.ts";

describe("parseTagList", () => {
  it.each([
    {
      name: "a page",
      body: { name: "a/b", tags: ["1.0", "latest"] },
      expected: ["1.0", "latest"],
      invalid: 0,
    },
    { name: "distribution's null for no tags", body: { name: "a/b", tags: null }, expected: [], invalid: 0 },
    { name: "missing tags", body: { name: "a/b" }, expected: [], invalid: 0 },
    { name: "a non-string tag", body: { tags: ["1.0", 2, null] }, expected: ["1.0"], invalid: 2 },
    {
      name: "tags outside the OCI grammar",
      body: { tags: ["1.0\n9.9.9", "x".repeat(129), ".hidden", "a/b", "1.1", " 1.2", "x".repeat(128)] },
      expected: ["1.1", "x".repeat(128)],
      invalid: 5,
    },
  ])("reads $name", ({ body, expected, invalid }) => {
    expect(parseTagList(body)).toEqual({ tags: expected, invalid });
  });

  it.each([
    { name: "tags not a list", body: { tags: "1.0" } },
    { name: "not an object", body: "tags" },
    { name: "unreadable JSON (undefined)", body: undefined },
  ])("refuses $name", ({ body }) => {
    expect(parseTagList(body)).toBeUndefined();
  });
});
