import { describe, expect, it } from "vitest";
import { parseAnnotations } from "../../../../src/core/annotations/parse-annotations.ts";
import { parseImageRef } from "../../../../src/core/images/image-ref.ts";
import { planContainer } from "../../../../src/core/updaterequests/plan-container.ts";
import type { UpdateRequest } from "../../../../src/core/updaterequests/update-request.ts";
import { anUpdateRequest } from "../../../helpers/update-requests.ts";

// The update branches are rows of tests/http/hooks/workloads-hook.test.ts; these are a person's rollbacks.
function plan(requests: UpdateRequest[], image = "nginx:1.24.0") {
  const ref = parseImageRef(image);
  if (ref === undefined) throw new Error("bad image");
  return planContainer({
    container: { containerType: "containers", name: "nginx", image },
    ref,
    observed: {
      observed: {
        repository: "docker.io/library/nginx",
        tags: ["1.24.0", "1.25.3"],
        digests: {},
        truncated: false,
      },
    },
    config: parseAnnotations({ "headwind.sh/policy": "minor" }).config,
    requests,
    lastUpdateMs: undefined,
    nowMs: Date.parse("2026-11-25T12:00:00Z"),
  });
}

const rollback = (phase?: "Pending" | "Applying" | "Completed" | "Rejected") =>
  anUpdateRequest(phase ? { phase } : undefined, {
    type: "rollback",
    requestedBy: "alice",
    currentImage: "nginx:1.25.3",
    newImage: "nginx:1.24.0",
  });

describe("planContainer with a person's rollback", () => {
  it.each([undefined, "Pending", "Applying"] as const)("holds proposals back while it is %s", (phase) => {
    expect(plan([rollback(phase)])).toEqual({
      kind: "idle",
      reason: "a rollback of this container is in progress",
    });
  });

  it("does not propose again the image a completed rollback left", () => {
    expect(plan([rollback("Completed")])).toEqual({
      kind: "idle",
      reason: "nginx:1.25.3 was rejected, failed or rolled back before",
    });
  });

  it("proposes as usual after a rejected rollback, and never supersedes a rollback", () => {
    expect(plan([rollback("Rejected")])).toMatchObject({
      kind: "propose",
      newImage: "nginx:1.25.3",
      supersede: [],
    });
  });
});
