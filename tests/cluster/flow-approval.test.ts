// Flows a and b with real Metacontroller: a proposal waits for a person's kubectl approval (or
// none), the guarded patch lands, the rollout completes, history is written.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { updateRequestName } from "../../src/core/updaterequests/update-request.ts";
import { applyObjects } from "../helpers/cluster.ts";
import { useFlows } from "../helpers/flows.ts";
import {
  headwindEvents,
  imageOf,
  kubectlPatchStatus,
  listUpdateRequests,
  publishTags,
  readWorkload,
  reportRolloutDone,
  workload,
} from "../helpers/headwind-objects.ts";

const flows = useFlows();

/** What the http tier's recorded requests must share with real ones: the fields and map keys. */
function shape(request: Record<string, unknown>) {
  const keysOf = (map: unknown) =>
    Object.fromEntries(
      Object.entries(map as Record<string, Record<string, unknown>>).map(([type, objects]) => [
        type,
        Object.keys(objects).map((key) => key.split("/").length),
      ]),
    );
  const object = request.object as { apiVersion: string; kind: string };
  return {
    fields: Object.keys(request).sort(),
    object: `${object.kind}.${object.apiVersion}`,
    attachments: Object.keys(request.attachments as object),
    related: Object.keys(request.related as object),
    relatedKeyParts: keysOf(request.related),
    finalizing: request.finalizing,
  };
}

describe("flow: approval and apply", () => {
  it("a: proposes, waits for a person's kubectl approval, applies, completes, writes history", async () => {
    const flow = await flows.start();
    const { ns, hooks } = flow;
    const [from, to] = [flow.image("1.2.0"), flow.image("1.3.0")];
    await applyObjects(
      flows.kc,
      [workload("web", from, { annotations: { "headwind.sh/policy": "minor" } })],
      {
        namespace: ns,
      },
    );
    await publishTags(flows.kc, from, ["1.1.0", "1.2.0", "1.3.0", "2.0.0"]);
    const deployment = await readWorkload(flows.kc, ns, "web");

    await flow.waitForPhase("Pending");
    await flow.settle();
    const [ur, ...others] = await listUpdateRequests(flows.kc, ns);
    expect(others).toEqual([]);
    const name = updateRequestName(
      { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: ns },
      "app",
      to,
      0,
    );
    expect(ur?.metadata.name).toBe(name);
    expect(ur?.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: "Deployment",
        name: "web",
        uid: deployment.metadata.uid,
        controller: true,
      }),
    ]);
    expect(ur?.metadata.annotations?.["metacontroller.k8s.io/decorator-controller"]).toBe(
      "headwind-workloads",
    );
    expect(ur?.spec).toMatchObject({
      currentImage: from,
      newImage: to,
      approval: "Required",
      policy: "minor",
    });
    expect(ur?.status?.phase).toBe("Pending");
    expect(await imageOf(flows.kc, ns, "web")).toBe(from);

    // The http tier's recorded request has the shape Metacontroller really sends (v2: ns/name keys).
    const real = flows.router.lastRequest(ns, "/hooks/workloads/sync", "Deployment/web");
    const recorded = JSON.parse(
      await readFile(
        new URL("../fixtures/metacontroller/deployment-new-tags.request.json", import.meta.url),
        "utf8",
      ),
    );
    expect({ ...shape(real as Record<string, unknown>), relatedKeyParts: undefined }).toEqual({
      ...shape(recorded),
      relatedKeyParts: undefined,
    });
    expect(shape(real as Record<string, unknown>).relatedKeyParts).toEqual({ "ConfigMap.v1": [2] });

    await kubectlPatchStatus(ns, name, { phase: "Approved", approvedBy: "headwind-admin" });
    await flow.waitForPhase("Progressing");
    expect(await imageOf(flows.kc, ns, "web")).toBe(to);

    await reportRolloutDone(flows.kc, ns, "web");
    const done = await flow.waitForPhase("Completed");
    await flow.settle();
    expect(await flow.problems()).toEqual([]);
    expect(done.status).toMatchObject({ phase: "Completed", approvedBy: "headwind-admin" });
    expect(flow.phases(name)).toEqual(["Pending", "Approved", "Applying", "Progressing", "Completed"]);

    const after = await readWorkload(flows.kc, ns, "web");
    const history = JSON.parse(after.metadata.annotations?.["headwind.sh/update-history"] ?? "[]");
    expect(history).toEqual([
      {
        container: "app",
        image: to,
        previousImage: from,
        timestamp: done.status?.completedAt,
        updateRequestName: name,
        approvedBy: "headwind-admin",
      },
    ]);
    expect(after.metadata.annotations?.["headwind.sh/last-update"]).toBe(done.status?.completedAt);

    const events = await headwindEvents(flows.kc, ns);
    const onUr = events.filter((e) => e.regarding.kind === "UpdateRequest").map((e) => e.reason);
    const onTarget = events.filter((e) => e.regarding.kind === "Deployment").map((e) => e.reason);
    // Applying is the step written just before the patch: Progressing, right after, has the Event.
    const expected = ["UpdateCompleted", "UpdatePending", "UpdateProgressing"];
    expect(onUr.sort()).toEqual(expected);
    expect(onTarget.sort()).toEqual(expected);
    expect(hooks.notifications.map((n) => n.event)).toEqual([
      "update_request_created",
      "update_approved",
      "update_completed",
    ]);
    expect(hooks.notifications[1]).toMatchObject({
      approvedBy: "headwind-admin",
      currentImage: from,
      newImage: to,
    });
  });

  it('b: require-approval "false" applies without a person', async () => {
    const flow = await flows.start();
    const { ns, hooks } = flow;
    const [from, to] = [flow.image("3.4.1"), flow.image("3.4.7")];
    const annotations = { "headwind.sh/policy": "patch", "headwind.sh/require-approval": "false" };
    await applyObjects(flows.kc, [workload("api", from, { annotations })], { namespace: ns });
    await publishTags(flows.kc, from, ["3.4.1", "3.4.7", "3.5.0"]);

    const ur = await flow.waitForPhase("Progressing");
    expect(await imageOf(flows.kc, ns, "api")).toBe(to);
    expect(ur.spec.approval).toBe("Automatic");
    expect(ur.status).toMatchObject({
      phase: "Progressing",
      approvedBy: "headwind (require-approval: false)",
    });

    await reportRolloutDone(flows.kc, ns, "api");
    const name = ur.metadata.name;
    await flow.waitForPhase("Completed");
    await flow.settle();
    expect(await flow.problems()).toEqual([]);
    // Nothing to approve: applied in its first sync, without an Applying step.
    expect(flow.phases(name)).toEqual(["Progressing", "Completed"]);
    const history = JSON.parse(
      (await readWorkload(flows.kc, ns, "api")).metadata.annotations?.["headwind.sh/update-history"] ?? "[]",
    );
    expect(history).toMatchObject([
      { container: "app", image: to, previousImage: from, updateRequestName: name },
    ]);
    const reasons = (await headwindEvents(flows.kc, ns))
      .filter((e) => e.regarding.kind === "UpdateRequest")
      .map((e) => e.reason);
    expect(reasons.sort()).toEqual(["UpdateCompleted", "UpdateProgressing"]);
    expect(hooks.notifications.map((n) => n.event)).toEqual(["update_completed"]);
  });
});
