import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../../src/core/kube-object.ts";
import { gitopsView, withGitOpsCondition } from "../../../../src/hooks-server/updaterequests/gitops-gate.ts";
import { aDeployment, anUpdateRequest } from "../../../helpers/update-requests.ts";

const now = Date.parse("2026-11-25T12:00:00.000Z");
const flux = {
  "kustomize.toolkit.fluxcd.io/name": "apps",
  "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
};

function target(labels: Record<string, string>, annotations: Record<string, string> = {}): KubeObject {
  const deployment = aDeployment("nginx:1.25.3");
  return { ...deployment, metadata: { ...deployment.metadata, labels, annotations } };
}

describe("gitopsView", () => {
  it("not managed: nothing to say", () => {
    expect(gitopsView(anUpdateRequest(), target({}), "annotation")).toBeUndefined();
    expect(gitopsView(anUpdateRequest(), undefined, "annotation")).toBeUndefined();
  });

  it("managed: proposes only, and says what to change in Git", () => {
    expect(gitopsView(anUpdateRequest(), target(flux), "annotation")).toEqual({
      owner: expect.objectContaining({ tool: "Flux", kind: "Kustomization", name: "apps" }),
      patch: false,
      message:
        "Deployment shop/web is applied by Flux Kustomization flux-system/apps (label kustomize.toolkit.fluxcd.io/name), which would revert a live patch at its next sync: Headwind does not patch it. Change container nginx from nginx:1.25.3 to nginx:1.27.0 in Git, or set headwind.sh/gitops: patch if Flux ignores image drift",
    });
  });

  it("headwind.sh/gitops: patch opts in, and still says to change Git", () => {
    const view = gitopsView(anUpdateRequest(), target(flux, { "headwind.sh/gitops": "Patch" }), "annotation");
    expect(view?.patch).toBe(true);
    expect(view?.message).toBe(
      "Deployment shop/web is applied by Flux Kustomization flux-system/apps (label kustomize.toolkit.fluxcd.io/name); patched anyway (headwind.sh/gitops: patch): make the same change in Git, or Flux may revert it",
    );
  });

  it("Argo CD label tracking is honoured only when configured", () => {
    const labelled = target({ "app.kubernetes.io/instance": "shop" });
    expect(gitopsView(anUpdateRequest(), labelled, "annotation")).toBeUndefined();
    expect(gitopsView(anUpdateRequest(), labelled, "label")?.owner).toMatchObject({
      tool: "Argo CD",
      name: "shop",
    });
  });
});

describe("withGitOpsCondition", () => {
  const view = gitopsView(anUpdateRequest(), target(flux), "annotation");
  const other = {
    type: "Other",
    status: "True" as const,
    reason: "X",
    message: "x",
    lastTransitionTime: "2026-01-01T00:00:00Z",
  };

  it("adds the condition next to others", () => {
    expect(withGitOpsCondition([other], view, now)).toEqual([
      other,
      {
        type: "GitOpsManaged",
        status: "True",
        reason: "FluxKustomization",
        message: view?.message,
        lastTransitionTime: new Date(now).toISOString(),
      },
    ]);
  });

  it("answers the very same array when nothing changed, so nothing is written", () => {
    const once = withGitOpsCondition(undefined, view, now);
    expect(withGitOpsCondition(once, view, now + 60_000)).toBe(once);
    expect(withGitOpsCondition(undefined, undefined, now)).toBeUndefined();
    const others = [other];
    expect(withGitOpsCondition(others, undefined, now)).toBe(others);
  });

  it("a changed message keeps the transition time; no longer managed drops it", () => {
    const once = withGitOpsCondition(undefined, view, now);
    const patched = gitopsView(
      anUpdateRequest(),
      target(flux, { "headwind.sh/gitops": "patch" }),
      "annotation",
    );
    const changed = withGitOpsCondition(once, patched, now + 60_000);
    expect(changed?.[0]).toMatchObject({
      message: patched?.message,
      lastTransitionTime: new Date(now).toISOString(),
    });
    expect(withGitOpsCondition([other, ...(once ?? [])], undefined, now)).toEqual([other]);
  });
});
