import { describe, expect, it } from "vitest";
import type { PollInterest } from "../../../../src/sidecar/poller/merge-interest.ts";
import { planPoll } from "../../../../src/sidecar/poller/plan-poll.ts";

const now = 1_000_000_000;
const item = (repository: string, pollingIntervalSeconds: number): PollInterest => ({
  repository,
  pollingIntervalSeconds,
  uses: [],
});

describe("planPoll", () => {
  // columns: interest | last polled (seconds before now) | due repositories, in order
  it.each([
    { name: "never polled is due", interest: [item("r/a", 300)], ago: {}, due: ["r/a"] },
    {
      name: "polled within the interval is not due",
      interest: [item("r/a", 300)],
      ago: { "r/a": 299 },
      due: [],
    },
    {
      name: "exactly one interval ago is due",
      interest: [item("r/a", 300)],
      ago: { "r/a": 300 },
      due: ["r/a"],
    },
    {
      name: "the shortest interval of the workloads decides",
      interest: [item("r/a", 300), item("r/a", 60)],
      ago: { "r/a": 61 },
      due: ["r/a"],
    },
    {
      name: "never polled first, then most overdue, then by name",
      interest: [item("r/c", 60), item("r/b", 60), item("r/a", 60), item("r/d", 60)],
      ago: { "r/a": 100, "r/b": 500, "r/d": 100 },
      due: ["r/c", "r/b", "r/a", "r/d"],
    },
    {
      name: "intervals below 30 s are raised to 30 s",
      interest: [item("r/a", 1)],
      ago: { "r/a": 29 },
      due: [],
    },
    {
      name: "a nonsense interval means 30 s",
      interest: [item("r/a", Number.NaN)],
      ago: { "r/a": 30 },
      due: ["r/a"],
    },
  ])("$name", ({ interest, ago, due }) => {
    const lastPolled = new Map(Object.entries(ago).map(([key, seconds]) => [key, now - seconds * 1000]));
    expect(planPoll(interest, lastPolled, now).map((entry) => entry.repository)).toEqual(due);
  });
});
