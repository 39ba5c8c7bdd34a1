import { describe, expect, it } from "vitest";
import { mergeInterest, type PollInterest } from "../../../../src/sidecar/poller/merge-interest.ts";

const item = (
  repository: string,
  pollingIntervalSeconds: number,
  digestTags: string[] = [],
  secrets: string[] = [],
): PollInterest => ({
  repository,
  pollingIntervalSeconds,
  digestTags,
  credentialsRefs: secrets.map((name) => ({ namespace: "ns", name })),
});

describe("mergeInterest", () => {
  it.each([
    { name: "nothing", entries: [], expected: [] },
    {
      name: "one workload",
      entries: [item("r/a", 300, ["latest"], ["s1"])],
      expected: [item("r/a", 300, ["latest"], ["s1"])],
    },
    {
      name: "shortest interval wins; digest tags and secrets are unioned",
      entries: [
        item("r/a", 300, ["latest"], ["s1"]),
        item("r/a", 60, ["main", "latest"], ["s2", "s1"]),
        item("r/a", 600),
      ],
      expected: [item("r/a", 60, ["latest", "main"], ["s1", "s2"])],
    },
    {
      name: "creation times are wanted when any workload wants them",
      entries: [item("r/a", 300), { ...item("r/a", 300), creationTimes: true }, item("r/a", 300)],
      expected: [{ ...item("r/a", 300), creationTimes: true }],
    },
    {
      name: "one entry per repository, sorted",
      entries: [item("r/b", 60), item("r/a", 60), item("r/b", 30)],
      expected: [item("r/a", 60), item("r/b", 30)],
    },
  ])("$name", ({ entries, expected }) => {
    expect(mergeInterest(entries)).toEqual(expected);
  });
});
