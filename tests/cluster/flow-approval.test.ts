import { describe, expect, it } from "vitest";
import { updateRequestName } from "../../src/core/updaterequests/update-request.ts";
import { applyObjects } from "../helpers/cluster.ts";
import {
  headwindEvents,
  imageOf,
  kubectlPatchStatus,
  listUpdateRequests,
  passErrors,
  phasesWritten,
  publishTags,
  readWorkload,
  reportRolloutDone,
  useFlows,
  workload,
} from "../helpers/metacontroller-harness.ts";

const flows = useFlows();

describe("flow: approval and apply", () => {
  it("a: proposes, waits for a person's kubectl approval, applies, completes, writes history", async () => {
    const flow = await flows.start();
    const { ns, driver, hooks } = flow;
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

    const proposed = await driver.settle();
    expect(passErrors(proposed)).toEqual([]);
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

    await kubectlPatchStatus(ns, name, { phase: "Approved", approvedBy: "headwind-admin" });
    const applied = await driver.settle();
    expect(passErrors(applied)).toEqual([]);
    expect(await imageOf(flows.kc, ns, "web")).toBe(to);
    expect((await listUpdateRequests(flows.kc, ns))[0]?.status?.phase).toBe("Progressing");

    await reportRolloutDone(flows.kc, ns, "web");
    const completed = await driver.settle();
    expect(passErrors(completed)).toEqual([]);
    const [done] = await listUpdateRequests(flows.kc, ns);
    expect(done?.status).toMatchObject({ phase: "Completed", approvedBy: "headwind-admin" });
    expect(phasesWritten(hooks.logs, name)).toEqual(["Pending", "Applying", "Progressing", "Completed"]);

    const after = await readWorkload(flows.kc, ns, "web");
    const history = JSON.parse(after.metadata.annotations?.["headwind.sh/update-history"] ?? "[]");
    expect(history).toEqual([
      {
        container: "app",
        image: to,
        previousImage: from,
        timestamp: done?.status?.completedAt,
        updateRequestName: name,
        approvedBy: "headwind-admin",
      },
    ]);
    expect(after.metadata.annotations?.["headwind.sh/last-update"]).toBe(done?.status?.completedAt);

    const events = await headwindEvents(flows.kc, ns);
    const onUr = events.filter((e) => e.regarding.kind === "UpdateRequest").map((e) => e.reason);
    const onTarget = events.filter((e) => e.regarding.kind === "Deployment").map((e) => e.reason);
    const expected = ["UpdateApplying", "UpdateCompleted", "UpdatePending", "UpdateProgressing"];
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
    const { ns, driver, hooks } = flow;
    const [from, to] = [flow.image("3.4.1"), flow.image("3.4.7")];
    const annotations = { "headwind.sh/policy": "patch", "headwind.sh/require-approval": "false" };
    await applyObjects(flows.kc, [workload("api", from, { annotations })], { namespace: ns });
    await publishTags(flows.kc, from, ["3.4.1", "3.4.7", "3.5.0"]);

    const applied = await driver.settle();
    expect(passErrors(applied)).toEqual([]);
    expect(await imageOf(flows.kc, ns, "api")).toBe(to);
    const [ur] = await listUpdateRequests(flows.kc, ns);
    expect(ur?.spec.approval).toBe("Automatic");
    expect(ur?.status).toMatchObject({
      phase: "Progressing",
      approvedBy: "headwind (require-approval: false)",
    });

    await reportRolloutDone(flows.kc, ns, "api");
    const completed = await driver.settle();
    expect(passErrors(completed)).toEqual([]);
    const name = ur?.metadata.name ?? "";
    expect((await listUpdateRequests(flows.kc, ns))[0]?.status?.phase).toBe("Completed");
    expect(phasesWritten(hooks.logs, name)).toEqual(["Applying", "Progressing", "Completed"]);
    const history = JSON.parse(
      (await readWorkload(flows.kc, ns, "api")).metadata.annotations?.["headwind.sh/update-history"] ?? "[]",
    );
    expect(history).toMatchObject([
      { container: "app", image: to, previousImage: from, updateRequestName: name },
    ]);
    const reasons = (await headwindEvents(flows.kc, ns))
      .filter((e) => e.regarding.kind === "UpdateRequest")
      .map((e) => e.reason);
    expect(reasons.sort()).toEqual(["UpdateApplying", "UpdateCompleted", "UpdateProgressing"]);
    expect(hooks.notifications.map((n) => n.event)).toEqual(["update_completed"]);
  });
});
