import { describe, expect, it } from "vitest";
import { applyObjects, kubeRequest } from "../helpers/cluster.ts";
import {
  type Flow,
  headwindEvents,
  imageOf,
  kubectlPatchStatus,
  listUpdateRequests,
  passErrors,
  patchDeploymentStatus,
  phasesWritten,
  publishTags,
  readWorkload,
  setImage,
  useFlows,
  workload,
} from "../helpers/metacontroller-harness.ts";

const flows = useFlows();

/** A minor-policy Deployment on `from`, 1.3.0 published, the proposal approved by a person. */
async function proposeAndApprove(flow: Flow, from: string): Promise<string> {
  await applyObjects(flows.kc, [workload("web", from, { annotations: { "headwind.sh/policy": "minor" } })], {
    namespace: flow.ns,
  });
  await publishTags(flows.kc, from, ["1.2.0", "1.3.0"]);
  expect(passErrors(await flow.driver.settle())).toEqual([]);
  const [ur] = await listUpdateRequests(flows.kc, flow.ns);
  const name = ur?.metadata.name ?? "";
  await kubectlPatchStatus(flow.ns, name, { phase: "Approved", approvedBy: "headwind-admin" });
  return name;
}

const reasonsOn = async (ns: string, name: string) =>
  (await headwindEvents(flows.kc, ns))
    .filter((e) => e.regarding.name === name)
    .map((e) => `${e.type}/${e.reason}`)
    .sort();

async function deadlineExceeded(ns: string, name: string) {
  const { metadata } = await readWorkload(flows.kc, ns, name);
  await patchDeploymentStatus(flows.kc, ns, name, {
    observedGeneration: metadata.generation,
    replicas: 2,
    updatedReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    unavailableReplicas: 1,
    conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }],
  });
}

/** A Pod of the new version that the kubelet reports in CrashLoopBackOff. */
async function crashingPod(ns: string, name: string, image: string) {
  await kubeRequest(flows.kc, "POST", `/api/v1/namespaces/${ns}/pods`, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, labels: { app: "shop" } },
    spec: { containers: [{ name: "app", image }] },
  });
  await kubeRequest(
    flows.kc,
    "PATCH",
    `/api/v1/namespaces/${ns}/pods/${name}/status`,
    {
      status: {
        phase: "Running",
        containerStatuses: [
          {
            name: "app",
            image,
            imageID: "",
            ready: false,
            restartCount: 4,
            state: {
              waiting: { reason: "CrashLoopBackOff", message: "back-off restarting failed container" },
            },
          },
        ],
      },
    },
    "application/strategic-merge-patch+json",
  );
}

describe("flow: rollout failure and concurrent changes", () => {
  it('f: auto-rollback "true": ProgressDeadlineExceeded (definitive) rolls the image back at once', async () => {
    const flow = await flows.start();
    const { ns, driver, hooks } = flow;
    const [from, to] = [flow.image("2.0.0"), flow.image("2.1.0")];
    const annotations = {
      "headwind.sh/policy": "minor",
      "headwind.sh/require-approval": "false",
      "headwind.sh/auto-rollback": "true",
      "headwind.sh/health-check-retries": "3",
    };
    await applyObjects(flows.kc, [workload("shop", from, { annotations, replicas: 2 })], { namespace: ns });
    await publishTags(flows.kc, from, ["2.0.0", "2.1.0"]);
    const applied = await driver.settle();
    expect(passErrors(applied)).toEqual([]);
    expect(await imageOf(flows.kc, ns, "shop")).toBe(to);

    await deadlineExceeded(ns, "shop");
    const rolledBack = await driver.settle();
    expect(passErrors(rolledBack)).toEqual([]);
    expect(await imageOf(flows.kc, ns, "shop")).toBe(from);
    const [ur] = await listUpdateRequests(flows.kc, ns);
    const name = ur?.metadata.name ?? "";
    expect(ur?.status).toMatchObject({ phase: "RolledBack", message: "progress deadline exceeded" });
    // RollingBack is written before the rollback patch is sent.
    expect(phasesWritten(hooks.logs, name)).toEqual(["Applying", "Progressing", "RollingBack", "RolledBack"]);
    // Both rollback Events carry the same (test clock) time: compared as a set.
    expect((await reasonsOn(ns, name)).sort()).toEqual([
      "Normal/UpdateApplying",
      "Normal/UpdateProgressing",
      "Warning/UpdateRolledBack",
      "Warning/UpdateRollingBack",
    ]);
    expect(hooks.notifications.map((n) => n.event)).toEqual(["rollback_triggered", "rollback_completed"]);
    expect(hooks.notifications[0]).toMatchObject({ currentImage: to, newImage: from });

    // The rollback is history, and the broken version is not proposed again.
    const history = JSON.parse(
      (await readWorkload(flows.kc, ns, "shop")).metadata.annotations?.["headwind.sh/update-history"] ?? "[]",
    );
    expect(history).toMatchObject([{ image: from, previousImage: to, approvedBy: "headwind-auto-rollback" }]);
    expect((await listUpdateRequests(flows.kc, ns)).length).toBe(1);
  });

  it("f: a crashing Pod counts once per watch interval; after health-check-retries the image is rolled back", async () => {
    const flow = await flows.start();
    const { ns, driver, clock, hooks } = flow;
    const [from, to] = [flow.image("2.0.0"), flow.image("2.1.0")];
    const annotations = {
      "headwind.sh/policy": "minor",
      "headwind.sh/require-approval": "false",
      "headwind.sh/auto-rollback": "true",
      "headwind.sh/health-check-retries": "3",
    };
    await applyObjects(flows.kc, [workload("shop", from, { annotations, replicas: 2 })], { namespace: ns });
    await publishTags(flows.kc, from, ["2.0.0", "2.1.0"]);
    const applied = await driver.settle();
    expect(passErrors(applied)).toEqual([]);
    expect(await imageOf(flows.kc, ns, "shop")).toBe(to);

    await crashingPod(ns, "shop-new-1", to);
    // Metacontroller re-syncs a parent on its own status write: a check counted on every sync
    // would spend the three retries within milliseconds. They are spaced by the watch interval.
    const checks: (number | string | undefined)[] = [];
    const reports = [...(await driver.settle())];
    for (let i = 0; i < 3; i++) {
      const [ur] = await listUpdateRequests(flows.kc, ns);
      checks.push(
        ur?.status?.phase === "Progressing" ? (ur.status.failedChecks as number) : ur?.status?.phase,
      );
      clock.advance(10);
      reports.push(...(await driver.settle()));
    }
    expect(passErrors(reports)).toEqual([]);
    expect(checks).toEqual([1, 2, "RolledBack"]);
    expect(await imageOf(flows.kc, ns, "shop")).toBe(from);
    const [ur] = await listUpdateRequests(flows.kc, ns);
    expect(ur?.status?.message).toBe("pod shop-new-1: CrashLoopBackOff");
    expect(phasesWritten(hooks.logs, ur?.metadata.name ?? "")).toEqual([
      "Applying",
      "Progressing",
      "RollingBack",
      "RolledBack",
    ]);
    expect(hooks.notifications.map((n) => n.event)).toEqual(["rollback_triggered", "rollback_completed"]);
  });

  it("g: someone edits the image between approval and apply: Failed, not applied, their image kept", async () => {
    const flow = await flows.start();
    const { ns, driver, hooks } = flow;
    const [from, mine] = [flow.image("1.2.0"), flow.image("1.2.5")];
    const name = await proposeAndApprove(flow, from);
    await setImage(flows.kc, ns, "web", mine);
    const reports = await driver.settle();
    expect(passErrors(reports)).toEqual([]);

    expect(await imageOf(flows.kc, ns, "web")).toBe(mine);
    const urs = await listUpdateRequests(flows.kc, ns);
    const after = urs.find((u) => u.metadata.name === name);
    expect(after?.status?.phase).toBe("Failed");
    expect(after?.status?.message).toBe(`not applied: the container now runs ${mine}`);
    // Not applied is no verdict on 1.3.0: it is proposed again, now from the person's image.
    const again = urs.filter((u) => u.metadata.name !== name);
    expect(again.map((u) => [u.spec.currentImage, u.spec.newImage, u.status?.phase])).toEqual([
      [mine, flow.image("1.3.0"), "Pending"],
    ]);
    expect(phasesWritten(hooks.logs, name)).toEqual(["Pending", "Failed"]);
    expect(await reasonsOn(ns, name)).toEqual(["Normal/UpdatePending", "Warning/UpdateFailed"]);
    expect(hooks.notifications.map((n) => n.event)).toEqual([
      "update_request_created",
      "update_failed",
      "update_request_created",
    ]);
  });

  it("g: the image changes after Applying was recorded: the guarded patch refuses, Failed, not applied", async () => {
    const flow = await flows.start();
    const { ns, driver, hooks } = flow;
    const [from, to, mine] = [flow.image("1.2.0"), flow.image("1.3.0"), flow.image("1.2.5")];
    const name = await proposeAndApprove(flow, from);
    // One pass: the approval is seen and Applying is written; the patch comes with the next sync.
    const one = await driver.reconcileOnce();
    expect(passErrors([one])).toEqual([]);
    expect((await listUpdateRequests(flows.kc, ns))[0]?.status?.phase).toBe("Applying");
    await setImage(flows.kc, ns, "web", mine);
    const reports = await driver.settle();
    expect(passErrors(reports)).toEqual([]);

    expect(await imageOf(flows.kc, ns, "web")).toBe(mine);
    const urs = await listUpdateRequests(flows.kc, ns);
    const after = urs.find((u) => u.metadata.name === name);
    expect(after?.status?.phase).toBe("Failed");
    expect(after?.status?.message).toBe(`not applied: container app runs ${mine}, expected ${from}`);
    expect(
      urs.filter((u) => u.metadata.name !== name).map((u) => [u.spec.currentImage, u.status?.phase]),
    ).toEqual([[mine, "Pending"]]);
    expect(after?.spec.newImage).toBe(to);
    expect(phasesWritten(hooks.logs, name)).toEqual(["Pending", "Applying", "Failed"]);
  });
});
