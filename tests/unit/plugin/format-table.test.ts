import { describe, expect, it } from "vitest";
import { formatAge, formatTable } from "../../../src/plugin/format-table.ts";

describe("formatTable", () => {
  it("prints like kubectl: upper-case headers, padded columns, no trailing spaces", () => {
    const text = formatTable({
      headers: ["name", "phase"],
      rows: [
        ["web-nginx-1", "Pending"],
        ["a", ""],
      ],
    });
    expect(text).toBe("NAME          PHASE\nweb-nginx-1   Pending\na");
  });

  it("never lets cluster data move the cursor", () => {
    expect(formatTable({ headers: ["x"], rows: [["a\u001b[2Jb\nc"]] })).toBe("X\na?[2Jb?c");
  });
});

describe("formatAge", () => {
  const now = Date.parse("2026-01-10T00:00:00Z");
  it.each([
    ["2026-01-09T23:59:15Z", "45s"],
    ["2026-01-09T23:48:00Z", "12m"],
    ["2026-01-09T19:00:00Z", "5h"],
    ["2026-01-07T00:00:00Z", "3d"],
    [undefined, "<unknown>"],
  ])("%s is %s", (since, age) => {
    expect(formatAge(since, now)).toBe(age);
  });
});
