/**
 * Manual rollback, end to end with the real Metacontroller (the plugin, src/plugin/main.ts, runs as
 * a process): a person asks (kubectl headwind or
 * POST /api/v1/rollback/...), the request goes through the same phases, guards, Events and
 * notifications as an update, and the rights of the person decide whether it needs approval.
 * A Flux HelmRelease's chart version is rolled back the same way (no helm-controller runs here: the
 * test reports the release Ready as it would).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyObjects, kubeRequest, waitFor } from "../helpers/cluster.ts";
import {
  deleteReleases,
  helmRelease,
  publishChartVersions,
  readRelease,
  reportReleaseReady,
} from "../helpers/flux-install.ts";
import { headwindEvents, listUpdateRequests, publishTags, workload } from "../helpers/headwind-objects.ts";
import {
  type PeopleCluster,
  type PeopleNamespace,
  type Person,
  reportRolloutDone,
  startPeopleCluster,
} from "../helpers/people-cluster.ts";
import { runPlugin } from "../helpers/run-plugin.ts";

let cluster: PeopleCluster;
beforeAll(async () => {
  cluster = await startPeopleCluster({ flux: true });
}, 180_000);
afterAll(async () => {
  await cluster?.stop();
});

type Kind = "Deployment" | "StatefulSet" | "DaemonSet";

async function imageOf(namespace: string, kind: Kind, name: string): Promise<string> {
  const live = (await kubeRequest(
    cluster.kc,
    "GET",
    `/apis/apps/v1/namespaces/${namespace}/${kind.toLowerCase()}s/${name}`,
  )) as {
    spec: { template: { spec: { containers: { image: string }[] } } };
  };
  return live.spec.template.spec.containers[0]?.image ?? "";
}

async function historyOf(namespace: string, kind: Kind, name: string) {
  const live = (await kubeRequest(
    cluster.kc,
    "GET",
    `/apis/apps/v1/namespaces/${namespace}/${kind.toLowerCase()}s/${name}`,
  )) as {
    metadata: { annotations?: Record<string, string> };
  };
  return JSON.parse(live.metadata.annotations?.["headwind.sh/update-history"] ?? "[]") as Record<
    string,
    unknown
  >[];
}

async function phaseOf(namespace: string, name: string, phase: string) {
  return waitFor(
    `UpdateRequest ${name} to be ${phase}`,
    async () => {
      const ur = (await listUpdateRequests(cluster.kc, namespace)).find((u) => u.metadata.name === name);
      return ur?.status?.phase === phase ? ur : undefined;
    },
    { timeoutMs: 30_000 },
  ).catch((error: Error) => {
    throw new Error(
      `${error.message}\n--- metacontroller ---\n${cluster.metacontroller.log().slice(-30).join("\n")}`,
    );
  });
}

/**
 * The notifications sent for a request once there are `count` of them: they go out after the hook
 * has written the phase that claims them, so they may trail the phase a moment.
 */
async function notified(space: PeopleNamespace, name: string, count: number): Promise<string[]> {
  const events = () =>
    space.hooks.notifications.filter((n) => n.updateRequestName === name).map((n) => n.event);
  await waitFor(`${count} notifications for ${name}`, async () => events().length >= count).catch(
    () => undefined,
  );
  return events();
}

async function api(person: Person, method: string, path: string, body?: unknown) {
  const response = await fetch(`${cluster.api.origin}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${person.token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A workload Headwind moved 1.0.0 -> 1.1.0 -> 1.2.0, with the tags the sidecar saw. */
async function managedWorkload(namespace: string, kind: Kind) {
  const image = (tag: string) => `registry.test:5000/${namespace}/app:${tag}`;
  const history = [
    {
      container: "app",
      image: image("1.2.0"),
      previousImage: image("1.1.0"),
      timestamp: "2026-01-02T00:00:00Z",
      approvedBy: "headwind",
    },
    {
      container: "app",
      image: image("1.1.0"),
      previousImage: image("1.0.0"),
      timestamp: "2026-01-01T00:00:00Z",
      approvedBy: "headwind",
    },
  ];
  await publishTags(cluster.kc, image("1.2.0"), ["1.0.0", "1.1.0", "1.2.0"]);
  await applyObjects(
    cluster.kc,
    [
      workload("web", image("1.2.0"), {
        kind,
        annotations: {
          "headwind.sh/policy": "minor",
          "headwind.sh/min-update-interval": "0",
          "headwind.sh/update-history": JSON.stringify(history),
        },
      }),
    ],
    { namespace },
  );
  return image;
}

describe.each<Kind>(["Deployment", "StatefulSet", "DaemonSet"])("rollback of a %s", (kind) => {
  it("by the plugin as someone who may patch it: applied at once, recorded, announced", async () => {
    const space = await cluster.namespace();
    const { ns } = space;
    const image = await managedWorkload(ns, kind);
    const alice = await cluster.person("alice", ns, ["approver", "patch-workloads"]);

    const run = await runPlugin(alice.kubeconfig, ["rollback", `${kind.toLowerCase()}/web`]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const name = /updaterequest\.headwind\.sh\/(\S+) created/.exec(run.stdout)?.[1] ?? "";
    expect(run.stdout).toContain(
      `app ${image("1.2.0")} -> ${image("1.1.0")}, applies now (you may patch the workload)`,
    );

    const progressing = await phaseOf(ns, name, "Progressing");
    expect(progressing.spec).toMatchObject({
      type: "rollback",
      requestedBy: alice.username,
      approval: "Automatic",
    });
    expect(progressing.status).toMatchObject({ approvedBy: alice.username });
    expect(await imageOf(ns, kind, "web")).toBe(image("1.1.0"));

    await reportRolloutDone(cluster.kc, ns, kind, "web");
    const done = await phaseOf(ns, name, "Completed");
    await waitFor("the rollback in the history", async () => (await historyOf(ns, kind, "web")).length === 3);
    expect((await historyOf(ns, kind, "web"))[0]).toEqual({
      container: "app",
      image: image("1.1.0"),
      previousImage: image("1.2.0"),
      timestamp: done.status?.completedAt,
      updateRequestName: name,
      approvedBy: alice.username,
      type: "rollback",
    });
    // Events, like notifications, follow the status write that records the phase. Applying, the
    // step written just before the patch, has none: Progressing, which always follows, carries it.
    const reasons = async () =>
      (await headwindEvents(cluster.kc, ns)).filter((e) => e.regarding.kind === kind).map((e) => e.reason);
    await waitFor("the rollback's Events", async () => (await reasons()).length >= 2).catch(() => undefined);
    expect((await reasons()).sort()).toEqual(["RollbackCompleted", "RollbackProgressing"]);
    const mine = space.hooks.notifications.filter((n) => n.updateRequestName === name);
    expect(await notified(space, name, 2)).toEqual(["rollback_triggered", "rollback_completed"]);
    expect(mine[0]).toMatchObject({
      currentImage: image("1.2.0"),
      newImage: image("1.1.0"),
      approvedBy: alice.username,
    });

    // The image rolled back from is not proposed again, though the registry still has it.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await listUpdateRequests(cluster.kc, ns)).map((u) => u.metadata.name)).toEqual([name]);
  });

  it("over HTTP to a named earlier image, by someone who may not patch it: waits for an approver", async () => {
    const space = await cluster.namespace();
    const { ns } = space;
    const image = await managedWorkload(ns, kind);
    const bob = await cluster.person("bob", ns, ["approver", "read-workloads"]);
    const carol = await cluster.person("carol", ns, ["viewer", "read-workloads"]);
    const alice = await cluster.person("alice", ns, ["approver", "patch-workloads"]);

    const refused = await api(carol, "POST", `/api/v1/rollback/${ns}/${kind.toLowerCase()}/web`, {
      to: image("1.0.0"),
    });
    expect(refused).toEqual({
      status: 403,
      body: { error: `${carol.username} may not create updaterequests in namespace ${ns}` },
    });

    const created = await api(bob, "POST", `/api/v1/rollback/${ns}/${kind.toLowerCase()}/web`, {
      to: image("1.0.0"),
    });
    expect(created.status).toBe(201);
    const name = (created.body.metadata as { name: string }).name;
    expect(created.body.spec).toMatchObject({
      type: "rollback",
      approval: "Required",
      requestedBy: bob.username,
      newImage: image("1.0.0"),
    });
    await phaseOf(ns, name, "Pending");
    expect(await imageOf(ns, kind, "web")).toBe(image("1.2.0"));

    const notAllowed = await runPlugin(carol.kubeconfig, ["approve", name]);
    expect(notAllowed.code).toBe(1);
    expect(notAllowed.stderr).toContain("kubectl headwind approve needs patch on updaterequests/status");
    expect((await phaseOf(ns, name, "Pending")).status?.approvedBy).toBeUndefined();

    const approved = await runPlugin(alice.kubeconfig, ["approve", name]);
    expect(approved.stdout.trim()).toBe(`updaterequest.headwind.sh/${name} approved by ${alice.username}`);
    await phaseOf(ns, name, "Progressing");
    expect(await imageOf(ns, kind, "web")).toBe(image("1.0.0"));
    await reportRolloutDone(cluster.kc, ns, kind, "web");
    const done = await phaseOf(ns, name, "Completed");
    expect(done.status).toMatchObject({ approvedBy: alice.username });
    expect(await notified(space, name, 4)).toEqual([
      "update_request_created",
      "update_approved",
      "rollback_triggered",
      "rollback_completed",
    ]);
  });
});

describe("admission holds people to rollbacks in their own name and rights", () => {
  it("refuses an automatic rollback from someone who may not patch, a forged requester, and an update", async () => {
    const space = await cluster.namespace();
    const { ns } = space;
    const image = await managedWorkload(ns, "Deployment");
    const bob = await cluster.person("bob", ns, ["approver", "read-workloads"]);
    const alice = await cluster.person("alice", ns, ["approver", "patch-workloads"]);
    const live = (await kubeRequest(cluster.kc, "GET", `/apis/apps/v1/namespaces/${ns}/deployments/web`)) as {
      metadata: { uid: string };
    };
    let forgeries = 0;
    const request = (spec: Record<string, unknown>) => ({
      apiVersion: "headwind.sh/v1alpha1",
      kind: "UpdateRequest",
      metadata: {
        name: `forged-${++forgeries}`,
        annotations: { "metacontroller.k8s.io/decorator-controller": "headwind-workloads" },
        ownerReferences: [
          {
            apiVersion: "apps/v1",
            kind: "Deployment",
            name: "web",
            uid: live.metadata.uid,
            controller: true,
          },
        ],
      },
      spec: {
        targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: ns },
        containerName: "app",
        currentImage: image("1.2.0"),
        newImage: image("1.1.0"),
        policy: "minor",
        approval: "Automatic",
        expiresAt: "2030-01-01T00:00:00Z",
        type: "rollback",
        requestedBy: bob.username,
        ...spec,
      },
    });
    const create = (person: Person, body: unknown) =>
      kubeRequest(
        person.config,
        "POST",
        `/apis/headwind.sh/v1alpha1/namespaces/${ns}/updaterequests`,
        body,
      ).then(
        () => "created",
        (error: Error) => error.message,
      );
    expect(await create(bob, request({}))).toContain(
      "an automatic rollback needs patch on deployments/web; ask for one with spec.approval Required instead",
    );
    expect(await create(bob, request({ requestedBy: alice.username }))).toContain(
      `spec.requestedBy must be ${bob.username}, the user creating the rollback`,
    );
    expect(await create(alice, request({ type: "update", requestedBy: alice.username }))).toContain(
      "people create only rollbacks",
    );
    expect(await create(bob, request({ approval: "Required", newImage: image("9.9.9") }))).toBe("created");
    // Admission lets a pending one in; the hook refuses an image the history does not name.
    const forged = await waitFor("the forged rollback to be refused", async () => {
      const ur = (await listUpdateRequests(cluster.kc, ns)).find((u) => u.spec.newImage === image("9.9.9"));
      return ur?.status?.phase === "Failed" ? ur : undefined;
    });
    expect(forged.status?.message).toBe(
      `refused: ${image("9.9.9")} is not in the headwind.sh/update-history of container app`,
    );
    expect(await imageOf(ns, "Deployment", "web")).toBe(image("1.2.0"));
  });
});

describe("rollback of a Flux HelmRelease's chart version", () => {
  const releases: string[] = [];
  afterAll(async () => {
    for (const ns of releases) await deleteReleases(cluster.kc, ns);
  });

  const versionOf = async (ns: string) => (await readRelease(cluster.kc, ns, "web")).spec.chart.spec.version;
  const releaseHistory = async (ns: string) =>
    JSON.parse(
      (await readRelease(cluster.kc, ns, "web")).metadata.annotations?.["headwind.sh/update-history"] ?? "[]",
    ) as Record<string, unknown>[];

  /** A release Headwind moved from chart 6.5.0 to 6.6.0 by a completed (automatic) chart update. */
  async function updatedRelease(space: PeopleNamespace) {
    const { ns } = space;
    releases.push(ns);
    await publishChartVersions(cluster.kc, ns, ["6.5.0", "6.6.0"]);
    const annotations = {
      "headwind.sh/policy": "minor",
      "headwind.sh/require-approval": "false",
      "headwind.sh/min-update-interval": "0",
    };
    await applyObjects(cluster.kc, [helmRelease("web", "6.5.0", annotations)], { namespace: ns });
    const update = await waitFor(
      "the chart update",
      async () => (await listUpdateRequests(cluster.kc, ns))[0],
    );
    await phaseOf(ns, update.metadata.name, "Progressing");
    expect(await versionOf(ns)).toBe("6.6.0");
    await reportReleaseReady(cluster.kc, ns, "web");
    await phaseOf(ns, update.metadata.name, "Completed");
    await waitFor("the update in the history", async () => (await releaseHistory(ns)).length === 1);
    return update.metadata.name;
  }

  const rollbackReasons = async (ns: string) =>
    (await headwindEvents(cluster.kc, ns))
      .filter((e) => e.regarding.kind === "HelmRelease" && e.reason.startsWith("Rollback"))
      .map((e) => e.reason);

  it("by the plugin as someone who may patch the release: applied at once, recorded, announced", async () => {
    const space = await cluster.namespace();
    const { ns } = space;
    const update = await updatedRelease(space);
    const alice = await cluster.person("alice", ns, ["approver", "patch-workloads"]);

    const run = await runPlugin(alice.kubeconfig, ["rollback", "helmrelease/web"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const name = /updaterequest\.headwind\.sh\/(\S+) created/.exec(run.stdout)?.[1] ?? "";
    expect(run.stdout).toContain("podinfo 6.6.0 -> 6.5.0, applies now (you may patch the workload)");

    const progressing = await phaseOf(ns, name, "Progressing");
    expect(progressing.spec).toMatchObject({
      targetRef: { apiVersion: "helm.toolkit.fluxcd.io/v2", kind: "HelmRelease", name: "web", namespace: ns },
      containerType: "chart",
      updateType: "chart",
      type: "rollback",
      requestedBy: alice.username,
      approval: "Automatic",
    });
    expect(progressing.metadata.annotations?.["metacontroller.k8s.io/decorator-controller"]).toBe(
      "headwind-helmreleases",
    );
    expect(progressing.status).toMatchObject({ approvedBy: alice.username });
    const patched = await readRelease(cluster.kc, ns, "web");
    expect(patched.spec.chart.spec.version).toBe("6.5.0");
    expect(patched.spec.interval).toBe("10m");

    await reportReleaseReady(cluster.kc, ns, "web");
    const done = await phaseOf(ns, name, "Completed");
    await waitFor("the rollback in the history", async () => (await releaseHistory(ns)).length === 2);
    const history = await releaseHistory(ns);
    expect(history[0]).toEqual({
      container: "podinfo",
      image: "6.5.0",
      previousImage: "6.6.0",
      timestamp: done.status?.completedAt,
      updateRequestName: name,
      approvedBy: alice.username,
      type: "rollback",
    });
    expect(history[1]).toMatchObject({ image: "6.6.0", previousImage: "6.5.0", updateRequestName: update });
    await waitFor("the rollback's Events", async () => (await rollbackReasons(ns)).length >= 2).catch(
      () => undefined,
    );
    expect((await rollbackReasons(ns)).sort()).toEqual(["RollbackCompleted", "RollbackProgressing"]);
    expect(await notified(space, name, 2)).toEqual(["rollback_triggered", "rollback_completed"]);
    expect(space.hooks.notifications.find((n) => n.updateRequestName === name)).toMatchObject({
      currentImage: "6.6.0",
      newImage: "6.5.0",
      approvedBy: alice.username,
    });

    // The chart version rolled back from is not proposed again, though the repository still has it.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect((await listUpdateRequests(cluster.kc, ns)).map((u) => u.metadata.name).sort()).toEqual(
      [name, update].sort(),
    );
    expect(await versionOf(ns)).toBe("6.5.0");
  });

  it("over HTTP to a named version, by someone who may not patch the release: waits for an approver", async () => {
    const space = await cluster.namespace();
    const { ns } = space;
    await updatedRelease(space);
    const bob = await cluster.person("bob", ns, ["approver", "read-workloads"]);
    const alice = await cluster.person("alice", ns, ["approver", "patch-workloads"]);

    const unknown = await api(bob, "POST", `/api/v1/rollback/${ns}/helmrelease/web`, { to: "6.4.0" });
    expect(unknown).toEqual({
      status: 422,
      body: { error: "6.4.0 is not in the history of chart podinfo; its history has 6.5.0" },
    });
    const created = await api(bob, "POST", `/api/v1/rollback/${ns}/hr/web`, { to: "6.5.0" });
    expect(created.status).toBe(201);
    const name = (created.body.metadata as { name: string }).name;
    expect(created.body.spec).toMatchObject({
      type: "rollback",
      updateType: "chart",
      approval: "Required",
      requestedBy: bob.username,
      currentImage: "6.6.0",
      newImage: "6.5.0",
    });
    await phaseOf(ns, name, "Pending");
    expect(await versionOf(ns)).toBe("6.6.0");

    // Admission holds bob to it too: without patch on helmreleases, no automatic rollback.
    const forced = await kubeRequest(
      bob.config,
      "POST",
      `/apis/headwind.sh/v1alpha1/namespaces/${ns}/updaterequests`,
      {
        ...created.body,
        metadata: {
          ...(created.body.metadata as Record<string, unknown>),
          name: `${name}-x`,
          uid: undefined,
          resourceVersion: undefined,
          creationTimestamp: undefined,
          managedFields: undefined,
        },
        spec: { ...(created.body.spec as Record<string, unknown>), approval: "Automatic" },
        status: undefined,
      },
    ).then(
      () => "created",
      (error: Error) => error.message,
    );
    expect(forced).toContain(
      "an automatic rollback needs patch on helmreleases/web; ask for one with spec.approval Required instead",
    );

    const approved = await runPlugin(alice.kubeconfig, ["approve", name]);
    expect(approved.stdout.trim()).toBe(`updaterequest.headwind.sh/${name} approved by ${alice.username}`);
    await phaseOf(ns, name, "Progressing");
    expect(await versionOf(ns)).toBe("6.5.0");
    await reportReleaseReady(cluster.kc, ns, "web");
    const done = await phaseOf(ns, name, "Completed");
    expect(done.status).toMatchObject({ approvedBy: alice.username });
    await waitFor("the rollback in the history", async () => (await releaseHistory(ns)).length === 2);
    expect((await releaseHistory(ns))[0]).toMatchObject({
      image: "6.5.0",
      previousImage: "6.6.0",
      updateRequestName: name,
      type: "rollback",
    });
    expect(await notified(space, name, 4)).toEqual([
      "update_request_created",
      "update_approved",
      "rollback_triggered",
      "rollback_completed",
    ]);
  });
});
