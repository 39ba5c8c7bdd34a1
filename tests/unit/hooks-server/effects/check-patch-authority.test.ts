import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../../src/core/kube-object.ts";
import type { UpdateRequest } from "../../../../src/core/updaterequests/update-request.ts";
import {
  checkPatchAuthority,
  type PatchEffect,
} from "../../../../src/hooks-server/effects/check-patch-authority.ts";
import {
  aDeployment,
  anApplyPatch,
  anOptedInDeployment,
  anUpdateRequest,
} from "../../../helpers/update-requests.ts";

const apply = anApplyPatch();
const annotated = (policy?: string) => anOptedInDeployment("nginx:1.25.3", policy);
const rollback: PatchEffect = {
  ...apply,
  key: "ur-1/rollback",
  step: "rollback",
  from: apply.to,
  to: apply.from,
};

const applying = anUpdateRequest({ phase: "Applying" });
const automatic = anUpdateRequest(undefined, { approval: "Automatic" });
const noApproval = (): KubeObject => {
  const d = annotated();
  const annotations = { ...d.metadata.annotations, "headwind.sh/require-approval": "false" };
  return { ...d, metadata: { ...d.metadata, annotations } };
};

describe("checkPatchAuthority", () => {
  it("allows a patch the live request and target back", () => {
    expect(checkPatchAuthority(apply, applying, annotated())).toEqual({ ok: true, target: annotated() });
    const rollingBack = anUpdateRequest({ phase: "RollingBack" });
    expect(checkPatchAuthority(rollback, rollingBack, annotated()).ok).toBe(true);
    // Nobody approves an automatic update: it is applied in its first sync, before any phase.
    expect(checkPatchAuthority(apply, automatic, noApproval())).toEqual({ ok: true, target: noApproval() });
  });

  // columns: what | effect | live request | live target | refusal reason
  it.each<[string, PatchEffect, UpdateRequest | undefined, KubeObject | undefined, string]>([
    ["a made-up request", apply, undefined, annotated(), "no-update-request"],
    [
      "another object under the same name",
      apply,
      { ...applying, metadata: { ...applying.metadata, uid: "ur-2" } },
      annotated(),
      "uid-mismatch",
    ],
    [
      "a request still waiting for a person",
      apply,
      anUpdateRequest({ phase: "Pending" }),
      annotated(),
      "phase",
    ],
    ["a request never synced that needs approval", apply, anUpdateRequest(), annotated(), "phase"],
    ["a rollback for an automatic request never synced", rollback, automatic, noApproval(), "phase"],
    [
      "an automatic request never synced, for a workload that now requires approval",
      apply,
      automatic,
      annotated(),
      "phase",
    ],
    [
      "a person's automatic rollback never synced",
      apply,
      anUpdateRequest(undefined, { approval: "Automatic", type: "rollback", requestedBy: "alice" }),
      noApproval(),
      "phase",
    ],
    ["a rollback for a request not rolling back", rollback, applying, annotated(), "phase"],
    [
      "an apply for a request rolling back",
      apply,
      anUpdateRequest({ phase: "RollingBack" }),
      annotated(),
      "phase",
    ],
    [
      "another image than the request names",
      { ...apply, to: "nginx:9.9.9" },
      applying,
      annotated(),
      "spec-mismatch",
    ],
    ["another container", { ...apply, container: "sidecar" }, applying, annotated(), "spec-mismatch"],
    [
      "init containers for containers",
      { ...apply, containerType: "initContainers" },
      applying,
      annotated(),
      "spec-mismatch",
    ],
    [
      "another workload",
      { ...apply, target: { ...apply.target, namespace: "kube-system", name: "coredns" } },
      applying,
      annotated(),
      "spec-mismatch",
    ],
    ["a target that does not exist", apply, applying, undefined, "no-target"],
    [
      "a target that does not own the request",
      apply,
      applying,
      { ...annotated(), metadata: { ...annotated().metadata, uid: "d-2" } },
      "untrusted",
    ],
    ["an unannotated target", apply, applying, aDeployment("nginx:1.25.3"), "not-annotated"],
    ["a target that opted out", apply, applying, annotated("none"), "not-annotated"],
    ["a target with an unusable policy", apply, applying, annotated("sometimes"), "not-annotated"],
  ])("refuses %s", (_what, effect, ur, target, reason) => {
    const authority = checkPatchAuthority(effect, ur, target);
    expect(authority.ok === false && authority.reason).toBe(reason);
  });

  it("says why in words", () => {
    expect(checkPatchAuthority(apply, undefined, annotated())).toEqual({
      ok: false,
      reason: "no-update-request",
      message: "UpdateRequest shop/web-nginx-0b80d67fed does not exist",
    });
    expect(checkPatchAuthority(apply, anUpdateRequest({ phase: "Pending" }), annotated())).toMatchObject({
      message: "UpdateRequest shop/web-nginx-0b80d67fed is Pending, not Applying",
    });
    expect(checkPatchAuthority(apply, automatic, annotated())).toMatchObject({
      message:
        "UpdateRequest shop/web-nginx-0b80d67fed needs no approval, but Deployment shop/web now requires one",
    });
  });
});
