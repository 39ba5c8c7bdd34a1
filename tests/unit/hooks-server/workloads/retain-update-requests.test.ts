import { describe, expect, it } from "vitest";
import {
  blockingLimit,
  retainUpdateRequests,
} from "../../../../src/hooks-server/workloads/retain-update-requests.ts";
import { anUpdateRequest, aFinishedRequest as finished } from "../../../helpers/update-requests.ts";

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

  it("keeps a completed rollback as a verdict, beyond ordinary history", () => {
    const urs = [
      finished(0, "Completed", "nginx", { type: "rollback", requestedBy: "alice" }),
      ...Array.from({ length: 12 }, (_, i) => finished(i + 1, "Completed")),
    ];
    const kept = retainUpdateRequests(urs, 10).map((ur) => ur.metadata.name);
    expect(kept).toContain("ur-nginx-0");
    expect(kept).toHaveLength(11);
  });
});
