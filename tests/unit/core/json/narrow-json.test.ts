import { describe, expect, it } from "vitest";
import {
  arrayAt,
  hostOf,
  isDigestLike,
  isRecord,
  recordAt,
  stringAt,
} from "../../../../src/core/json/narrow-json.ts";

describe("narrow-json", () => {
  it.each([
    [{}, true],
    [[], false],
    [null, false],
    ["x", false],
  ])("isRecord(%j) is %s", (value, expected) => {
    expect(isRecord(value)).toBe(expected);
  });

  it("reads fields only of the right type", () => {
    const value = { s: " x ", blank: " ", n: 1, r: { a: 1 }, l: [1] };
    expect([
      stringAt(value, "s"),
      stringAt(value, "blank"),
      stringAt(value, "n"),
      stringAt(null, "s"),
    ]).toEqual(["x", undefined, undefined, undefined]);
    expect([recordAt(value, "r"), recordAt(value, "l"), recordAt("x", "r")]).toEqual([
      { a: 1 },
      undefined,
      undefined,
    ]);
    expect([arrayAt(value, "l"), arrayAt(value, "r")]).toEqual([[1], undefined]);
  });

  it.each([
    ["quay.io/acme/web", "quay.io"],
    ["https://acme.jfrog.io", "acme.jfrog.io"],
    ["https://acme.jfrog.io:8443/artifactory", "acme.jfrog.io:8443"],
    ["/leading", undefined],
  ])("hostOf(%s) is %s", (reference, host) => {
    expect(hostOf(reference)).toBe(host);
  });

  it.each([
    ["sha256:9ef25e9373d2d191b60f0b60816be55c09e494227c4fab9544f391f2dcebb548", true],
    ["1.4.2", false],
    ["sha256:short", false],
  ])("isDigestLike(%s) is %s", (tag, expected) => {
    expect(isDigestLike(tag)).toBe(expected);
  });
});
