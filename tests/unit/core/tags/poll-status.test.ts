import { describe, expect, it } from "vitest";
import { buildPollStatus, maxRepositories, parsePollStatus } from "../../../../src/core/tags/poll-status.ts";

describe("poll status ConfigMap", () => {
  it("round-trips, sorted by repository, messages cut short", () => {
    const records = [
      { repository: "b/b", polledAt: "2026-01-01T00:00:02Z", result: "ok" },
      { repository: "a/a", polledAt: "2026-01-01T00:00:01Z", result: "x".repeat(500) },
    ];
    const configMap = buildPollStatus(records, "headwind");
    expect(configMap.metadata).toMatchObject({ name: "headwind-poll-status", namespace: "headwind" });
    const parsed = parsePollStatus({ ...configMap, metadata: { ...configMap.metadata } });
    expect(parsed.map((r) => r.repository)).toEqual(["a/a", "b/b"]);
    expect(parsed[0]?.result).toHaveLength(200);
  });

  it("keeps the most recently polled repositories when there are too many", () => {
    const records = Array.from({ length: maxRepositories + 10 }, (_, i) => ({
      repository: `r/${String(i).padStart(5, "0")}`,
      polledAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      result: "ok",
    }));
    const parsed = parsePollStatus(buildPollStatus(records, "headwind"));
    expect(parsed).toHaveLength(maxRepositories);
    expect(parsed[0]?.repository).toBe("r/00010");
  });

  it.each(["not json", "{}", '[{"repository":1}]'])("reads %j as nothing", (polls) => {
    expect(
      parsePollStatus({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: { polls } }),
    ).toEqual([]);
  });
});
