import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "../../../../src/sidecar/registry/parse-retry-after.ts";

const now = Date.parse("2026-01-01T00:00:00Z");

describe("parseRetryAfter", () => {
  it.each([
    { header: "120", expected: 120_000 },
    { header: " 0 ", expected: 0 },
    { header: "Thu, 01 Jan 2026 00:00:30 GMT", expected: 30_000 },
    { header: "Wed, 31 Dec 2025 23:59:00 GMT", expected: 0 },
    { header: "-5", expected: undefined },
    { header: "1.5", expected: undefined },
    { header: "soon", expected: undefined },
    { header: "", expected: undefined },
    { header: null, expected: undefined },
  ])("reads $header as $expected ms", ({ header, expected }) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});
