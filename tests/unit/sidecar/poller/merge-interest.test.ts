import { describe, expect, it } from "vitest";
import {
  mergeInterest,
  type NamespaceUse,
  type PollInterest,
} from "../../../../src/sidecar/poller/merge-interest.ts";

const use = (namespace: string, digestTags: string[] = [], secrets: string[] = []): NamespaceUse => ({
  namespace,
  pullSecrets: secrets.map((name) => ({ namespace, name })),
  digestTags,
});
const item = (repository: string, pollingIntervalSeconds: number, uses: NamespaceUse[] = [use("ns")]) => ({
  repository,
  pollingIntervalSeconds,
  uses,
});

describe("mergeInterest", () => {
  it.each<{ name: string; entries: PollInterest[]; expected: PollInterest[] }>([
    { name: "nothing", entries: [], expected: [] },
    {
      name: "one workload",
      entries: [item("r/a", 300, [use("ns", ["latest"], ["s1"])])],
      expected: [item("r/a", 300, [use("ns", ["latest"], ["s1"])])],
    },
    {
      name: "shortest interval wins; one namespace's digest tags and secrets are unioned",
      entries: [
        item("r/a", 300, [use("ns", ["latest"], ["s1"])]),
        item("r/a", 60, [use("ns", ["main", "latest"], ["s2", "s1"])]),
        item("r/a", 600),
      ],
      expected: [item("r/a", 60, [use("ns", ["latest", "main"], ["s1", "s2"])])],
    },
    {
      name: "namespaces stay apart: one use each, sorted, never sharing secrets",
      entries: [
        item("r/a", 300, [use("team-b", ["edge"], ["b-cred"])]),
        item("r/a", 300, [use("team-a", [], ["a-cred"])]),
        item("r/a", 300, [use("team-b", [], ["b-other"])]),
      ],
      expected: [
        item("r/a", 300, [use("team-a", [], ["a-cred"]), use("team-b", ["edge"], ["b-cred", "b-other"])]),
      ],
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
