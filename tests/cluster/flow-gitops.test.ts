// GitOps-managed Deployments with real Metacontroller: one applied by a Flux Kustomization and one
// tracked by Argo CD (its tracking-id annotation) are proposed but never patched; the request says
// which tool owns the object and what to change in Git (condition and Events), and completes when
// the tool rolls the new image out from Git. `headwind.sh/gitops: patch` opts into patching.
// No Flux or Argo CD runs here: the test makes the change they would make from Git.
import type { KubernetesObject } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { applyObjects, waitFor } from "../helpers/cluster.ts";
import { useFlows } from "../helpers/flows.ts";
import {
  headwindEvents,
  imageOf,
  kubectlPatchStatus,
  listUpdateRequests,
  publishTags,
  readWorkload,
  reportRolloutDone,
  setImage,
  workload,
} from "../helpers/headwind-objects.ts";

const flows = useFlows();

const flux = {
  "kustomize.toolkit.fluxcd.io/name": "apps",
  "kustomize.toolkit.fluxcd.io/namespace": "flux-system",
};

function labelled(object: KubernetesObject, labels: Record<string, string>): KubernetesObject {
  return { ...object, metadata: { ...object.metadata, labels } };
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

const gitopsCondition = (ur: { status?: Record<string, unknown> }) =>
  (ur.status?.conditions as Condition[] | undefined)?.find((c) => c.type === "GitOpsManaged");

describe("flow: GitOps-managed workloads", () => {
  it("Flux: proposed, not patched even when approved, complete once Flux applies the image from Git", async () => {
    const flow = await flows.start();
    const { ns } = flow;
    const [from, to] = [flow.image("1.2.0"), flow.image("1.3.0")];
    await applyObjects(
      flows.kc,
      [labelled(workload("web", from, { annotations: { "headwind.sh/policy": "minor" } }), flux)],
      { namespace: ns },
    );
    await publishTags(flows.kc, from, ["1.2.0", "1.3.0"]);

    const pending = await flow.waitForPhase("Pending");
    await waitFor("the GitOps condition", async () =>
      gitopsCondition((await listUpdateRequests(flows.kc, ns))[0] ?? {}),
    );
    const [ur] = await listUpdateRequests(flows.kc, ns);
    const condition = gitopsCondition(ur ?? {});
    expect(condition).toMatchObject({ status: "True", reason: "FluxKustomization" });
    expect(condition?.message).toBe(
      `Deployment ${ns}/web is applied by Flux Kustomization flux-system/apps (label kustomize.toolkit.fluxcd.io/name), which would revert a live patch at its next sync: Headwind does not patch it. Change container app from ${from} to ${to} in Git, or set headwind.sh/gitops: patch if Flux ignores image drift`,
    );
    const notes = (await headwindEvents(flows.kc, ns)).filter((e) => e.reason === "GitOpsManaged");
    expect(notes.map((e) => `${e.regarding.kind} ${e.note}`).sort()).toEqual([
      `Deployment ${condition?.message}`,
      `UpdateRequest ${condition?.message}`,
    ]);

    await kubectlPatchStatus(ns, pending.metadata.name, { phase: "Approved", approvedBy: "headwind-admin" });
    await waitFor("the approval to be held", async () => {
      const [held] = await listUpdateRequests(flows.kc, ns);
      return held?.status?.message?.startsWith("approved; not patched") ? held : undefined;
    });
    await flow.settle();
    const [held] = await listUpdateRequests(flows.kc, ns);
    expect(held?.status).toMatchObject({
      phase: "Approved",
      message:
        "approved; not patched: Flux Kustomization flux-system/apps applies the target, change it in Git",
    });
    expect(await imageOf(flows.kc, ns, "web")).toBe(from);

    // What kustomize-controller does once the change is in Git.
    await setImage(flows.kc, ns, "web", to);
    await flow.waitForPhase("Progressing");
    await reportRolloutDone(flows.kc, ns, "web");
    const done = await flow.waitForPhase("Completed");
    await flow.settle();
    const history = JSON.parse(
      (await readWorkload(flows.kc, ns, "web")).metadata.annotations?.["headwind.sh/update-history"] ?? "[]",
    );
    expect(history).toMatchObject([
      { container: "app", image: to, previousImage: from, approvedBy: "headwind-admin" },
    ]);
    expect(done.status?.completedAt).toBeDefined();
    expect(await flow.problems()).toEqual([]);
  });

  it("Argo CD: its tracking id makes the Deployment its own; a pending request completes when Argo CD syncs the new image", async () => {
    const flow = await flows.start();
    const { ns } = flow;
    const [from, to] = [flow.image("2.0.0"), flow.image("2.1.0")];
    const annotations = {
      "headwind.sh/policy": "minor",
      "argocd.argoproj.io/tracking-id": `shop:apps/Deployment:${ns}/web`,
    };
    await applyObjects(flows.kc, [workload("web", from, { annotations })], { namespace: ns });
    await publishTags(flows.kc, from, ["2.0.0", "2.1.0"]);

    await flow.waitForPhase("Pending");
    const ur = await waitFor("the GitOps condition", async () => {
      const [first] = await listUpdateRequests(flows.kc, ns);
      return gitopsCondition(first ?? {}) ? first : undefined;
    });
    expect(gitopsCondition(ur)).toMatchObject({ reason: "ArgoCDApplication" });
    expect(gitopsCondition(ur)?.message).toContain(
      "is applied by Argo CD Application shop (annotation argocd.argoproj.io/tracking-id)",
    );

    // What Argo CD does once the change is in Git.
    await setImage(flows.kc, ns, "web", to);
    const done = await flow.waitForPhase("Completed", ur.metadata.name);
    expect(done.status?.message).toBe(`${to} arrived through Argo CD Application shop`);
    await flow.settle();
    expect(flow.phases(ur.metadata.name)).toEqual(["Pending", "Completed"]);
    const history = JSON.parse(
      (await readWorkload(flows.kc, ns, "web")).metadata.annotations?.["headwind.sh/update-history"] ?? "[]",
    );
    expect(history).toMatchObject([
      { container: "app", image: to, previousImage: from, updateRequestName: ur.metadata.name },
    ]);
    expect(await flow.problems()).toEqual([]);
  });

  it("headwind.sh/gitops: patch patches a Flux-managed Deployment anyway, saying Git must follow", async () => {
    const flow = await flows.start();
    const { ns } = flow;
    const [from, to] = [flow.image("3.0.0"), flow.image("3.0.1")];
    const annotations = {
      "headwind.sh/policy": "patch",
      "headwind.sh/require-approval": "false",
      "headwind.sh/gitops": "patch",
    };
    await applyObjects(flows.kc, [labelled(workload("web", from, { annotations }), flux)], { namespace: ns });
    await publishTags(flows.kc, from, ["3.0.0", "3.0.1"]);

    const progressing = await flow.waitForPhase("Progressing");
    expect(await imageOf(flows.kc, ns, "web")).toBe(to);
    expect(gitopsCondition(progressing)?.message).toContain(
      "patched anyway (headwind.sh/gitops: patch): make the same change in Git, or Flux may revert it",
    );
    expect(await flow.problems()).toEqual([]);
  });
});
