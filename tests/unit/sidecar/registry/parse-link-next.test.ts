import { describe, expect, it } from "vitest";
import { parseLinkNext } from "../../../../src/sidecar/registry/parse-link-next.ts";

const request = "https://reg.example/v2/apps/web/tags/list?n=100";

describe("parseLinkNext", () => {
  it.each([
    {
      name: "a relative link (the usual form)",
      header: '</v2/apps/web/tags/list?last=1.4.2&n=100>; rel="next"',
      expected: { kind: "next", url: "https://reg.example/v2/apps/web/tags/list?last=1.4.2&n=100" },
    },
    {
      name: "an absolute same-origin link",
      header: '<https://reg.example/v2/apps/web/tags/list?last=b>; rel="next"',
      expected: { kind: "next", url: "https://reg.example/v2/apps/web/tags/list?last=b" },
    },
    {
      name: "a link to another origin",
      header: '<https://evil.example/v2/apps/web/tags/list?last=b>; rel="next"',
      expected: { kind: "cross-origin", url: "https://evil.example/v2/apps/web/tags/list?last=b" },
    },
    {
      name: "another port is another origin",
      header: '<https://reg.example:8443/v2/x>; rel="next"',
      expected: { kind: "cross-origin", url: "https://reg.example:8443/v2/x" },
    },
    {
      name: "next among several links, unquoted rel",
      header: "</v2/a?last=z>; rel=prev, </v2/a?last=b>; rel=next",
      expected: { kind: "next", url: "https://reg.example/v2/a?last=b" },
    },
    {
      name: "rel with several values",
      header: '</v2/a?last=b>; title="x"; rel="last next"',
      expected: { kind: "next", url: "https://reg.example/v2/a?last=b" },
    },
    { name: "only a prev link", header: '</v2/a?last=a>; rel="prev"', expected: { kind: "none" } },
    { name: "a rel that only contains next", header: '</v2/a>; rel="nextpage"', expected: { kind: "none" } },
    { name: "no header", header: null, expected: { kind: "none" } },
  ])("reads $name", ({ header, expected }) => {
    expect(parseLinkNext(header, request)).toEqual(expected);
  });

  it("reads a 16 KB header of unclosed brackets in one pass (the old pattern rescanned from each)", () => {
    const start = process.cpuUsage();
    expect(parseLinkNext(`${"<".repeat(16_384)}`, request)).toEqual({ kind: "none" });
    const used = process.cpuUsage(start);
    expect((used.user + used.system) / 1000).toBeLessThan(50);
  });
});
