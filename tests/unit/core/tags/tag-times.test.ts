import { describe, expect, it } from "vitest";
import {
  advanceTagTimes,
  bornAt,
  encodeTagTimes,
  isBelievableCreated,
  maxMinImageAgeSeconds,
  parseTagTimes,
  type TagTimes,
} from "../../../../src/core/tags/tag-times.ts";

const t0 = 1_780_000_000;
const day = 86_400;

describe("bornAt", () => {
  const times: TagTimes = {
    since: t0,
    created: { "1.0.0": t0 - 5 * day },
    seen: { "1.1.0": t0 + day, "1.0.0": t0 },
  };
  it.each([
    ["the registry's creation time first", "1.0.0", t0 - 5 * day],
    ["else when the sidecar first saw it", "1.1.0", t0 + day],
    ["else the repository's first listing", "0.9.0", t0],
  ])("%s", (_, tag, expected) => {
    expect(bornAt(times, tag)).toBe(expected);
  });
});

describe("advanceTagTimes", () => {
  it("a first listing marks nothing: every tag is as old as the listing", () => {
    expect(advanceTagTimes(undefined, ["1.0.0", "1.1.0"], t0)).toEqual({ since: t0, created: {}, seen: {} });
  });

  it("a first listing keeps the creation times learnt with it", () => {
    expect(advanceTagTimes(undefined, ["1.0.0", "1.1.0"], t0, { "1.1.0": t0 - 100 })).toEqual({
      since: t0,
      created: { "1.1.0": t0 - 100 },
      seen: {},
    });
  });

  it("a tag that appears later is seen then, and keeps that time across observations", () => {
    const first = advanceTagTimes(undefined, ["1.0.0"], t0);
    const second = advanceTagTimes({ tags: ["1.0.0"], times: first }, ["1.0.0", "1.1.0"], t0 + 60);
    expect(second).toEqual({ since: t0, created: {}, seen: { "1.1.0": t0 + 60 } });
    const third = advanceTagTimes({ tags: ["1.0.0", "1.1.0"], times: second }, ["1.0.0", "1.1.0"], t0 + 999);
    expect(third).toEqual(second);
  });

  it("a sidecar restart does not reset ages: everything comes from the ConfigMap", () => {
    const before = {
      tags: ["1.0.0", "1.1.0"],
      times: { since: t0, created: { "1.0.0": t0 - 50 }, seen: { "1.1.0": t0 + 60 } },
    };
    expect(advanceTagTimes(before, ["1.0.0", "1.1.0"], t0 + 7200)).toEqual(before.times);
  });

  it("a ConfigMap from before times existed: its tags date from now, new ones are seen now", () => {
    expect(advanceTagTimes({ tags: ["1.0.0"] }, ["1.0.0", "1.1.0"], t0)).toEqual({
      since: t0,
      created: {},
      seen: { "1.1.0": t0 },
    });
  });

  it("a learnt creation time never replaces one already recorded", () => {
    const before = { tags: ["1.0.0"], times: { since: t0, created: { "1.0.0": t0 - 50 }, seen: {} } };
    expect(advanceTagTimes(before, ["1.0.0"], t0 + 10, { "1.0.0": t0 - 9 }).created).toEqual({
      "1.0.0": t0 - 50,
    });
  });

  it("forgets tags that are gone, and entries older than any minimum age", () => {
    const now = t0 + maxMinImageAgeSeconds + 10 * day;
    const before = {
      tags: ["old", "recent", "gone"],
      times: {
        since: t0,
        created: { old: t0 - day, recent: now - day, gone: now },
        seen: { old: t0 + day, recent: now - day, gone: now },
      },
    };
    expect(advanceTagTimes(before, ["old", "recent"], now)).toEqual({
      since: t0,
      created: { recent: now - day },
      seen: { recent: now - day },
    });
  });
});

describe("encodeTagTimes / parseTagTimes", () => {
  it("round-trips the kept tags only, sorted", () => {
    const times = { since: t0, created: { b: 2, a: 1, dropped: 3 }, seen: { c: t0 + 1 } };
    const text = encodeTagTimes(times, ["a", "b", "c"]);
    expect(text).toBe(`{"v":1,"since":${t0},"created":{"a":1,"b":2},"seen":{"c":${t0 + 1}}}`);
    expect(parseTagTimes(text)).toEqual({ since: t0, created: { a: 1, b: 2 }, seen: { c: t0 + 1 } });
  });

  it.each([
    ["missing", undefined],
    ["not JSON", "{"],
    ["a newer version", `{"v":2,"since":1,"created":{},"seen":{}}`],
    ["no version", `{"since":1,"created":{},"seen":{}}`],
    ["a negative since", `{"v":1,"since":-1,"created":{},"seen":{}}`],
    ["a string time", `{"v":1,"since":1,"created":{"a":"yesterday"},"seen":{}}`],
    ["a fractional time", `{"v":1,"since":1,"created":{},"seen":{"a":1.5}}`],
    ["an array", `[]`],
    ["null", "null"],
  ])("ignores %s: ages are then unknown", (_, text) => {
    expect(parseTagTimes(text)).toBeUndefined();
  });
});

describe("isBelievableCreated", () => {
  it.each([
    [0, false],
    [315_532_800, false],
    [946_684_800, true],
    [t0, true],
    [t0 + 3600, true],
    [t0 + 3601, false],
    [t0 + 0.5, false],
  ])("%d: %s", (created, expected) => {
    expect(isBelievableCreated(created, t0)).toBe(expected);
  });
});
