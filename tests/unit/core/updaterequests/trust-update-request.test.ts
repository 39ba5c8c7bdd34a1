import { describe, expect, it } from "vitest";
import { untrustedReason } from "../../../../src/core/updaterequests/trust-update-request.ts";
import { aDeployment, anUpdateRequest } from "../../../helpers/update-requests.ts";

describe("untrustedReason", () => {
  const target = aDeployment("nginx:1.25.3");
  const ur = anUpdateRequest({ phase: "Applying" });

  it("trusts a request controller-owned by its target, in its namespace, within one repository", () => {
    expect(untrustedReason(ur, target)).toBeUndefined();
    expect(
      untrustedReason(anUpdateRequest(undefined, { newImage: "docker.io/library/nginx:1.27.0" }), target),
    ).toBeUndefined();
  });

  // columns: what | request | reason
  it.each([
    [
      "owned, but not as controller",
      { ...ur, metadata: { ...ur.metadata, ownerReferences: [{ uid: "d-1", controller: false }] } },
      "not created by Headwind for Deployment web (no controller owner reference to it)",
    ],
    [
      "owned by an object with another uid",
      { ...ur, metadata: { ...ur.metadata, ownerReferences: [{ uid: "d-2", controller: true }] } },
      "not created by Headwind for Deployment web (no controller owner reference to it)",
    ],
    [
      "a target in another namespace",
      anUpdateRequest(undefined, { targetRef: { ...ur.spec.targetRef, namespace: "prod" } }),
      "targetRef must name a workload in the request's own namespace",
    ],
    [
      "another repository",
      anUpdateRequest(undefined, { newImage: "nginx-evil:1.27.0" }),
      "newImage must be a valid reference to the same repository as currentImage",
    ],
    [
      "an image that does not parse",
      anUpdateRequest(undefined, { newImage: "::" }),
      "newImage must be a valid reference to the same repository as currentImage",
    ],
  ])("%s: %s", (_what, request, reason) => {
    expect(untrustedReason(request, target)).toBe(reason);
  });
});
