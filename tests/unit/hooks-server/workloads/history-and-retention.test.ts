import { describe, expect, it } from "vitest";
import { isVerdict, type Phase } from "../../../../src/core/updaterequests/update-request.ts";
import {
  blockingLimit,
  retainUpdateRequests,
} from "../../../../src/hooks-server/workloads/retain-update-requests.ts";
import { mergeHistory, parseHistory } from "../../../../src/hooks-server/workloads/update-history.ts";
import { anUpdateRequest } from "../../../helpers/update-requests.ts";

function finished(i: number, phase: Phase, container = "nginx") {
  const ur = anUpdateRequest(
    { phase, completedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), approvedBy: "alice" },
    { containerName: container, currentImage: `nginx:1.0.${i}`, newImage: `nginx:1.0.${i + 1}` },
  );
  return {
    ...ur,
    metadata: { ...ur.metadata, name: `ur-${container}-${i}`, creationTimestamp: ur.status?.completedAt },
  };
}

describe("retainUpdateRequests", () => {
  it("keeps active requests, the newest finished ones per container, and verdicts", () => {
    const urs = [
      ...Array.from({ length: 15 }, (_, i) => finished(i, "Completed")),
      ...Array.from({ length: 3 }, (_, i) => finished(i, "Completed", "sidecar")),
      finished(100, "Rejected"),
      finished(101, "Pending"),
      anUpdateRequest(undefined, { containerName: "nginx" }),
    ];
    const kept = retainUpdateRequests(urs, 10).map((ur) => ur.metadata.name);
    expect(kept).toHaveLength(10 + 3 + 1 + 1 + 1);
    expect(kept).toContain("ur-nginx-100");
    expect(kept).toContain("ur-nginx-101");
    expect(kept).not.toContain("ur-nginx-4");
    expect(kept).toContain("ur-nginx-5");
  });

  it("bounds the verdicts it keeps", () => {
    const urs = Array.from({ length: blockingLimit + 5 }, (_, i) => finished(i, "Rejected"));
    expect(retainUpdateRequests(urs, 10)).toHaveLength(blockingLimit);
  });
});

describe("mergeHistory", () => {
  it("keeps 10 entries per container, newest first, containers independent", () => {
    const urs = [
      ...Array.from({ length: 15 }, (_, i) => finished(i, "Completed")),
      finished(0, "Completed", "sidecar"),
    ];
    const history = mergeHistory([], urs, 10);
    expect(history.filter((e) => e.container === "nginx")).toHaveLength(10);
    expect(history.filter((e) => e.container === "sidecar")).toHaveLength(1);
    expect(history[0]).toEqual({
      container: "nginx",
      image: "nginx:1.0.15",
      previousImage: "nginx:1.0.14",
      timestamp: "2026-01-01T00:14:00.000Z",
      updateRequestName: "ur-nginx-14",
      approvedBy: "alice",
    });
  });

  it("records a rollback as the restored image, by headwind-auto-rollback", () => {
    const [entry] = mergeHistory([], [finished(3, "RolledBack")], 10);
    expect(entry).toMatchObject({
      image: "nginx:1.0.3",
      previousImage: "nginx:1.0.4",
      approvedBy: "headwind-auto-rollback",
    });
  });

  it("merges with what the annotation already holds, without duplicates", () => {
    const first = mergeHistory([], [finished(1, "Completed")], 10);
    const again = mergeHistory(
      parseHistory(JSON.stringify(first)),
      [finished(1, "Completed"), finished(2, "Completed")],
      10,
    );
    expect(again.map((e) => e.updateRequestName)).toEqual(["ur-nginx-2", "ur-nginx-1"]);
  });

  it.each(["not json", "{}", '[{"container":1}]'])(
    "treats a broken annotation %j as empty history",
    (text) => {
      expect(parseHistory(text)).toEqual([]);
    },
  );
});

describe("verdicts", () => {
  it("a failure before the patch landed is no verdict on the image, and is not kept as one", () => {
    const notApplied = finished(1, "Failed");
    const ranAndFailed = {
      ...finished(2, "Failed"),
      status: { phase: "Failed" as const, appliedGeneration: 4 },
    };
    expect(isVerdict(notApplied)).toBe(false);
    expect(isVerdict(ranAndFailed)).toBe(true);
    expect(isVerdict(finished(3, "Rejected"))).toBe(true);
    expect(isVerdict(finished(4, "Completed"))).toBe(false);
  });
});
