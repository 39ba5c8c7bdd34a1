import { describe, expect, it } from "vitest";
import { summarizeUpdateRequests } from "../../../../src/core/updaterequests/summarize-update-requests.ts";
import type { UpdateRequest } from "../../../../src/core/updaterequests/update-request.ts";

const now = Date.parse("2026-03-01T12:00:00Z");

function ur(name: string, phase: string | undefined, created: string, approval = "Required"): UpdateRequest {
  return {
    apiVersion: "headwind.sh/v1alpha1",
    kind: "UpdateRequest",
    metadata: { name, namespace: "shop", creationTimestamp: created },
    spec: { approval } as UpdateRequest["spec"],
    ...(phase === undefined ? {} : { status: { phase } as UpdateRequest["status"] }),
  };
}

describe("summarizeUpdateRequests", () => {
  it("counts every phase, naming the phases with none as 0", () => {
    const summary = summarizeUpdateRequests(
      [
        ur("a", "Pending", "2026-03-01T11:00:00Z"),
        ur("b", "Completed", "2026-02-01T00:00:00Z"),
        ur("c", "Completed", "2026-02-02T00:00:00Z"),
        ur("d", "Failed", "2026-02-03T00:00:00Z"),
      ],
      now,
    );
    expect(summary.byPhase).toEqual({
      Pending: 1,
      Approved: 0,
      Rejected: 0,
      Expired: 0,
      Superseded: 0,
      Applying: 0,
      Progressing: 0,
      Completed: 2,
      Failed: 1,
      RollingBack: 0,
      RolledBack: 0,
    });
  });

  it("ages the oldest request waiting for a person, whole seconds", () => {
    const summary = summarizeUpdateRequests(
      [
        ur("new", "Pending", "2026-03-01T11:59:30Z"),
        ur("old", "Pending", "2026-03-01T10:00:00.700Z"),
        // Not waiting for a person: an automatic one, an approved one, and one never given a phase.
        ur("auto", "Pending", "2026-02-01T00:00:00Z", "Automatic"),
        ur("approved", "Approved", "2026-02-01T00:00:00Z"),
        ur("unseen", undefined, "2026-02-01T00:00:00Z"),
      ],
      now,
    );
    expect(summary.oldestPendingApprovalSeconds).toBe(7199);
  });

  it("is 0 with nothing waiting, and ignores an unreadable timestamp or phase", () => {
    expect(summarizeUpdateRequests([], now)).toMatchObject({ oldestPendingApprovalSeconds: 0 });
    const odd = summarizeUpdateRequests(
      [ur("x", "Pending", "yesterday"), ur("y", "Sleeping", "2026-01-01")],
      now,
    );
    expect(odd.oldestPendingApprovalSeconds).toBe(0);
    expect(odd.byPhase.Pending).toBe(1);
  });

  it("never reports a negative age for a clock behind the apiserver's", () => {
    expect(
      summarizeUpdateRequests([ur("future", "Pending", "2026-03-01T12:00:05Z")], now)
        .oldestPendingApprovalSeconds,
    ).toBe(0);
  });
});
