// Flows f and g with real Metacontroller: a failed rollout rolls back (at once when definitive,
// after health-check-retries Pod checks spaced by the watch interval otherwise), and someone
// else's image edit wins over an approved update, whichever step it lands in.
import { describe, expect, it } from "vitest";
import { applyObjects, kubeRequest } from "../helpers/cluster.ts";
import { type Flow, useFlows } from "../helpers/flows.ts";
import {
  headwindEvents,
  imageOf,
  kubectlPatchStatus,
  listUpdateRequests,
  patchDeploymentStatus,
  publishTags,
  readWorkload,
  setImage,
  workload,
} from "../helpers/headwind-objects.ts";

const flows = useFlows();

/** A minor-policy Deployment on `from`, 1.3.0 published, the proposal pending. */
async function proposal(flow: Flow, from: string): Promise<string> {
  await applyObjects(flows.kc, [workload("web", from, { annotations: { "headwind.sh/policy": "minor" } })], {
    namespace: flow.ns,
  });
  await publishTags(flows.kc, from, ["1.2.0", "1.3.0"]);
  const ur = await flow.waitForPhase("Pending");
  await flow.settle();
  return ur.metadata.name;
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

/** What the kubelet reports for a container of the new version that keeps crashing. */
async function crashing(ns: string, name: string, image: string, restartCount: number) {
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
            restartCount,
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

const autoRollback = {
  "headwind.sh/policy": "minor",
  "headwind.sh/require-approval": "false",
  "headwind.sh/auto-rollback": "true",
  "headwind.sh/health-check-retries": "3",
};

describe("flow: rollout failure and concurrent changes", () => {
  it('f: auto-rollback "true": ProgressDeadlineExceeded (definitive) rolls the image back at once', async () => {
    const flow = await flows.start();
    const { ns, hooks } = flow;
    const [from, to] = [flow.image("2.0.0"), flow.image("2.1.0")];
    await applyObjects(flows.kc, [workload("shop", from, { annotations: autoRollback, replicas: 2 })], {
      namespace: ns,
    });
    await publishTags(flows.kc, from, ["2.0.0", "2.1.0"]);
    const progressing = await flow.waitForPhase("Progressing");
    expect(await imageOf(flows.kc, ns, "shop")).toBe(to);

    await deadlineExceeded(ns, "shop");
    const ur = await flow.waitForPhase("RolledBack");
    await flow.settle();
    expect(await imageOf(flows.kc, ns, "shop")).toBe(from);
    const name = progressing.metadata.name;
    expect(ur.status).toMatchObject({ phase: "RolledBack", message: "progress deadline exceeded" });
    // Applied in its first sync (nothing to approve); RollingBack is written before the rollback patch.
    expect(flow.phases(name)).toEqual(["Progressing", "RollingBack", "RolledBack"]);
    // Both rollback Events may carry the same time: compared as a set.
    expect((await reasonsOn(ns, name)).sort()).toEqual([
      "Normal/UpdateProgressing",
      "Warning/UpdateRolledBack",
    ]);
    expect(hooks.notifications.map((n) => n.event)).toEqual(["rollback_triggered", "rollback_completed"]);
    expect(hooks.notifications[0]).toMatchObject({ currentImage: to, newImage: from });

    // The rollback is history, and the broken version is not proposed again.
    const history = JSON.parse(
      (await readWorkload(flows.kc, ns, "shop")).metadata.annotations?.["headwind.sh/update-history"] ?? "[]",
    );
    expect(history).toMatchObject([{ image: from, previousImage: to, approvedBy: "headwind-auto-rollback" }]);
    expect((await listUpdateRequests(flows.kc, ns)).length).toBe(1);
    expect(await flow.problems()).toEqual([]);
  });

  it("f: a crashing Pod counts once per watch interval; after health-check-retries the image is rolled back", async () => {
    const flow = await flows.start();
    const { ns, clock, hooks } = flow;
    const [from, to] = [flow.image("2.0.0"), flow.image("2.1.0")];
    await applyObjects(flows.kc, [workload("shop", from, { annotations: autoRollback, replicas: 2 })], {
      namespace: ns,
    });
    await publishTags(flows.kc, from, ["2.0.0", "2.1.0"]);
    const { metadata } = await flow.waitForPhase("Progressing");
    expect(await imageOf(flows.kc, ns, "shop")).toBe(to);

    await kubeRequest(flows.kc, "POST", `/api/v1/namespaces/${ns}/pods`, {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "shop-new-1", labels: { app: "shop" } },
      spec: { containers: [{ name: "app", image: to }] },
    });
    // Every crash the kubelet reports is a Pod change, so Metacontroller syncs the request each
    // time; a check counted on every sync would spend the three retries at once. The watch
    // interval (10 s) is skipped on the hooks' clock between reports 2 and 3, and 4 and 5.
    const failedChecks = async () => {
      await flow.settle(500);
      const [ur] = await listUpdateRequests(flows.kc, ns);
      return ur?.status?.phase === "Progressing" ? ur.status.failedChecks : ur?.status?.phase;
    };
    const seen: unknown[] = [];
    for (const [restarts, skip] of [
      [1, 0],
      [2, 0],
      [3, 10],
      [4, 0],
      [5, 10],
    ] as const) {
      clock.advance(skip);
      await crashing(ns, "shop-new-1", to, restarts);
      seen.push(await failedChecks());
    }
    expect(seen).toEqual([1, 1, 2, 2, "RolledBack"]);
    expect(await imageOf(flows.kc, ns, "shop")).toBe(from);
    const [ur] = await listUpdateRequests(flows.kc, ns);
    expect(ur?.status?.message).toBe("pod shop-new-1: CrashLoopBackOff");
    expect(flow.phases(metadata.name)).toEqual(["Progressing", "RollingBack", "RolledBack"]);
    expect(hooks.notifications.map((n) => n.event)).toEqual(["rollback_triggered", "rollback_completed"]);
    expect(await flow.problems()).toEqual([]);
  });

  it("g: someone edits the image while the approval waits for the hooks: Failed, not applied, their image kept", async () => {
    const flow = await flows.start();
    const { ns, hooks } = flow;
    const [from, mine] = [flow.image("1.2.0"), flow.image("1.2.5")];
    const name = await proposal(flow, from);
    // The hooks are unreachable while both land (Metacontroller retries with backoff).
    flows.router.outage(ns, true);
    await kubectlPatchStatus(ns, name, { phase: "Approved", approvedBy: "headwind-admin" });
    await setImage(flows.kc, ns, "web", mine);
    flows.router.outage(ns, false);
    const after = await flow.waitForPhase("Failed", name);
    const again = await flow.waitForPhase(
      "Pending",
      (await listUpdateRequests(flows.kc, ns)).find((u) => u.metadata.name !== name)?.metadata.name,
    );
    await flow.settle();

    expect(await imageOf(flows.kc, ns, "web")).toBe(mine);
    expect(after.status?.message).toBe(`not applied: the container now runs ${mine}`);
    // Not applied is no verdict on 1.3.0: it is proposed again, now from the person's image.
    expect([again.spec.currentImage, again.spec.newImage]).toEqual([mine, flow.image("1.3.0")]);
    expect((await listUpdateRequests(flows.kc, ns)).length).toBe(2);
    expect(flow.phases(name)).toEqual(["Pending", "Approved", "Failed"]);
    expect(await reasonsOn(ns, name)).toEqual(["Normal/UpdatePending", "Warning/UpdateFailed"]);
    expect(hooks.notifications.map((n) => n.event)).toEqual([
      "update_request_created",
      "update_failed",
      "update_request_created",
    ]);
    expect(await flow.problems()).toEqual([]);
  });

  it("g: the image changes after Applying was recorded: the guarded patch refuses, Failed, not applied", async () => {
    // The hooks go away right after writing Applying: the patch would come with the next sync.
    const flow = await flows.start({
      wrapGateway: (real) => ({
        ...real,
        async writeUpdateRequestStatus(ur, status, signal) {
          const written = await real.writeUpdateRequestStatus(ur, status, signal);
          if (status.phase === "Applying") flows.router.outage(ur.metadata.namespace ?? "", true);
          return written;
        },
      }),
    });
    const { ns } = flow;
    const [from, to, mine] = [flow.image("1.2.0"), flow.image("1.3.0"), flow.image("1.2.5")];
    const name = await proposal(flow, from);
    await kubectlPatchStatus(ns, name, { phase: "Approved", approvedBy: "headwind-admin" });
    await flow.waitForPhase("Applying", name);
    await setImage(flows.kc, ns, "web", mine);
    flows.router.outage(ns, false);
    const after = await flow.waitForPhase("Failed", name);
    await flow.settle();

    expect(await imageOf(flows.kc, ns, "web")).toBe(mine);
    expect(after.status?.message).toBe(`not applied: container app runs ${mine}, expected ${from}`);
    const urs = await listUpdateRequests(flows.kc, ns);
    expect(
      urs.filter((u) => u.metadata.name !== name).map((u) => [u.spec.currentImage, u.status?.phase]),
    ).toEqual([[mine, "Pending"]]);
    expect(after.spec.newImage).toBe(to);
    expect(flow.phases(name)).toEqual(["Pending", "Approved", "Applying", "Failed"]);
    expect(await flow.problems()).toEqual([]);
  });
});
