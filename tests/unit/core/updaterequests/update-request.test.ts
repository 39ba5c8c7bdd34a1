import { describe, expect, it } from "vitest";
import { isVerdict, refusedImage } from "../../../../src/core/updaterequests/update-request.ts";
import { aFinishedRequest as finished } from "../../../helpers/update-requests.ts";

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

  it("a completed rollback refuses the image it left; a rejected or failed one refuses nothing", () => {
    const rollback = { type: "rollback" as const, requestedBy: "alice" };
    expect(refusedImage(finished(5, "Completed", "nginx", rollback))).toBe("nginx:1.0.5");
    expect(refusedImage(finished(5, "Rejected", "nginx", rollback))).toBeUndefined();
    expect(refusedImage(finished(5, "Failed", "nginx", rollback))).toBeUndefined();
    expect(refusedImage(finished(5, "Rejected"))).toBe("nginx:1.0.6");
    expect(refusedImage(finished(5, "Completed"))).toBeUndefined();
  });
});
