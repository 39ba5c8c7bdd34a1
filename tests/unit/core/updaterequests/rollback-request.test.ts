import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../../src/core/kube-object.ts";
import {
  buildRollbackRequest,
  chooseRollback,
  rollbackImages,
} from "../../../../src/core/updaterequests/rollback-request.ts";
import type { HistoryEntry } from "../../../../src/core/updaterequests/update-history.ts";
import { aHelmRelease } from "../../../helpers/helm-releases.ts";
import { aChartUpdateRequest } from "../../../helpers/update-requests.ts";

const history: HistoryEntry[] = [
  { container: "app", image: "app:1.3.0", previousImage: "app:1.2.0", timestamp: "2026-03-02T00:00:00Z" },
  { container: "app", image: "app:1.2.0", previousImage: "app:1.1.0", timestamp: "2026-03-01T00:00:00Z" },
  { container: "sidecar", image: "proxy:2.1", previousImage: "proxy:2.0", timestamp: "2026-03-01T00:00:00Z" },
];

function aWorkload(
  images: Record<string, string>,
  entries: readonly HistoryEntry[] = history,
  kind = "StatefulSet",
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind,
    metadata: {
      name: "db",
      namespace: "shop",
      uid: "uid-db",
      annotations: {
        "headwind.sh/policy": "minor",
        "headwind.sh/rollback-timeout": "2m",
        "headwind.sh/update-history": JSON.stringify(entries),
      },
    },
    spec: {
      selector: { matchLabels: { app: "db" } },
      template: {
        spec: { containers: Object.entries(images).map(([name, image]) => ({ name, image })) },
      },
    },
  };
}

describe("chooseRollback", () => {
  it("goes back to what ran before the current image by default", () => {
    const choice = chooseRollback(aWorkload({ app: "app:1.3.0" }), {});
    expect(choice).toMatchObject({ ok: true, image: "app:1.2.0", container: { name: "app" } });
  });

  it("takes any image the container's history names", () => {
    expect(chooseRollback(aWorkload({ app: "app:1.3.0" }), { to: "app:1.1.0" })).toMatchObject({
      ok: true,
      image: "app:1.1.0",
    });
  });

  it.each([
    [
      { to: "app:0.9.0" },
      "app:0.9.0 is not in the history of container app; its history has app:1.2.0, app:1.1.0",
    ],
    [{ to: "app:1.3.0" }, "app already runs app:1.3.0"],
    [{ container: "nope" }, "StatefulSet shop/db has no container nope"],
  ])("refuses %j with a clear reason", (ask, error) => {
    expect(chooseRollback(aWorkload({ app: "app:1.3.0" }), ask)).toEqual({ ok: false, error });
  });

  it("asks for a container when several have history, and finds nothing without history", () => {
    const two = aWorkload({ app: "app:1.3.0", sidecar: "proxy:2.1" });
    expect(chooseRollback(two, {})).toEqual({
      ok: false,
      error: "several containers of StatefulSet shop/db have history (app, sidecar): name one",
    });
    expect(chooseRollback(two, { container: "sidecar" })).toMatchObject({ ok: true, image: "proxy:2.0" });
    expect(chooseRollback(aWorkload({ app: "app:1.3.0" }, []), {})).toMatchObject({
      ok: false,
      error: expect.stringContaining("has no headwind.sh/update-history"),
    });
  });

  it("does not guess when someone else changed the image since Headwind's last update", () => {
    const choice = chooseRollback(aWorkload({ app: "app:9.9.9" }), {});
    expect(choice).toEqual({
      ok: false,
      error:
        "the history of container app does not say what ran before app:9.9.9; name an image from it (app:1.3.0, app:1.2.0, app:1.1.0)",
    });
  });

  it("lists each image once, newest first", () => {
    expect(rollbackImages(history, "app")).toEqual(["app:1.3.0", "app:1.2.0", "app:1.1.0"]);
  });
});

describe("buildRollbackRequest", () => {
  const now = Date.parse("2026-03-03T10:00:00.000Z");
  const workload = aWorkload({ app: "app:1.3.0" });
  const container = { containerType: "containers" as const, name: "app", image: "app:1.3.0" };

  it("is an attachment of the workload that the UpdateRequests hook drives like an update", () => {
    const built = buildRollbackRequest({
      workload,
      container,
      image: "app:1.2.0",
      requestedBy: "alice",
      approval: "Automatic",
      now,
      approvalTtlSeconds: 3600,
    });
    expect(built.ok).toBe(true);
    expect(built.ok && built.value).toMatchObject({
      apiVersion: "headwind.sh/v1alpha1",
      kind: "UpdateRequest",
      metadata: {
        namespace: "shop",
        name: expect.stringMatching(/^db-app-rb-[0-9a-f]{10}$/),
        annotations: { "metacontroller.k8s.io/decorator-controller": "headwind-workloads" },
        ownerReferences: [
          { apiVersion: "apps/v1", kind: "StatefulSet", name: "db", uid: "uid-db", controller: true },
        ],
        labels: { "headwind.sh/target-kind": "statefulset", "headwind.sh/target-name": "db" },
      },
      spec: {
        type: "rollback",
        requestedBy: "alice",
        currentImage: "app:1.3.0",
        newImage: "app:1.2.0",
        approval: "Automatic",
        autoRollback: false,
        policy: "minor",
        rollbackTimeoutSeconds: 120,
        selector: { app: "db" },
        expiresAt: "2026-03-03T11:00:00.000Z",
        reason: "rollback requested by alice: app:1.3.0 -> app:1.2.0",
      },
    });
  });

  it("takes a CronJob: its containers sit in the job template, its owner is in batch/v1", () => {
    const { template, ...rest } = aWorkload({ app: "app:1.3.0" }).spec as { template: unknown };
    const cronJob = {
      ...aWorkload({ app: "app:1.3.0" }, history, "CronJob"),
      apiVersion: "batch/v1",
      spec: { ...rest, schedule: "0 3 * * *", jobTemplate: { spec: { template } } },
    };
    const choice = chooseRollback(cronJob, {});
    expect(choice).toMatchObject({ ok: true, image: "app:1.2.0", container: { name: "app" } });
    if (!choice.ok) return;
    const built = buildRollbackRequest({
      workload: cronJob,
      container: choice.container,
      image: choice.image,
      requestedBy: "alice",
      approval: "Required",
      now,
      approvalTtlSeconds: 3600,
    });
    expect(built.ok && built.value).toMatchObject({
      metadata: {
        ownerReferences: [
          { apiVersion: "batch/v1", kind: "CronJob", name: "db", uid: "uid-db", controller: true },
        ],
        labels: { "headwind.sh/target-kind": "cronjob", "headwind.sh/target-name": "db" },
      },
      spec: { type: "rollback", currentImage: "app:1.3.0", newImage: "app:1.2.0", approval: "Required" },
    });
  });

  it("refuses a workload Headwind does not manage", () => {
    const off = { ...workload, metadata: { ...workload.metadata, annotations: {} } };
    const input = { container, image: "app:1.2.0", requestedBy: "a", approval: "Required" as const, now };
    expect(buildRollbackRequest({ ...input, workload: off, approvalTtlSeconds: 60 })).toEqual({
      ok: false,
      error: "StatefulSet shop/db is not managed by Headwind (headwind.sh/policy is missing or none)",
    });
  });
});

describe("a Flux HelmRelease's rollback", () => {
  const now = Date.parse("2026-03-03T10:00:00.000Z");
  const releaseHistory: HistoryEntry[] = [
    { container: "podinfo", image: "6.6.0", previousImage: "6.5.0", timestamp: "2026-03-02T00:00:00Z" },
    { container: "podinfo", image: "6.5.0", previousImage: "6.4.0", timestamp: "2026-03-01T00:00:00Z" },
  ];
  const release = aHelmRelease("6.6.0", {
    annotations: { "headwind.sh/update-history": JSON.stringify(releaseHistory) },
  });

  it("goes back to the chart version before, or to one its history names", () => {
    expect(chooseRollback(release, {})).toMatchObject({
      ok: true,
      image: "6.5.0",
      container: { containerType: "chart", name: "podinfo", image: "6.6.0" },
    });
    expect(chooseRollback(release, { to: "6.4.0" })).toMatchObject({ ok: true, image: "6.4.0" });
    expect(chooseRollback(release, { to: "5.0.0" })).toEqual({
      ok: false,
      error: "5.0.0 is not in the history of chart podinfo; its history has 6.5.0, 6.4.0",
    });
    expect(chooseRollback(release, { container: "nginx" })).toEqual({
      ok: false,
      error: "HelmRelease shop/web has no chart nginx",
    });
  });

  it("is a chart request kept by the HelmReleases controller, owned by the release", () => {
    // A release has no pod selector: the request carries none.
    const { selector: _none, ...chartSpec } = aChartUpdateRequest().spec;
    const built = buildRollbackRequest({
      workload: release,
      container: { containerType: "chart", name: "podinfo", image: "6.6.0" },
      image: "6.5.0",
      requestedBy: "alice",
      approval: "Required",
      now,
      approvalTtlSeconds: 3600,
    });
    expect(built.ok && built.value).toMatchObject({
      metadata: {
        name: expect.stringMatching(/^web-podinfo-rb-[0-9a-f]{10}$/),
        annotations: { "metacontroller.k8s.io/decorator-controller": "headwind-helmreleases" },
        ownerReferences: [expect.objectContaining({ kind: "HelmRelease", uid: "hr-1", controller: true })],
        labels: { "headwind.sh/target-kind": "helmrelease", "headwind.sh/target-name": "web" },
      },
      spec: {
        ...chartSpec,
        type: "rollback",
        currentImage: "6.6.0",
        newImage: "6.5.0",
        approval: "Required",
        autoRollback: false,
        reason: "rollback requested by alice: 6.6.0 -> 6.5.0",
        expiresAt: "2026-03-03T11:00:00.000Z",
        requestedBy: "alice",
        healthCheckRetries: 3,
      },
    });
  });

  it("refuses a release whose chart comes by chartRef (its source picks the version)", () => {
    const byRef = { ...release, spec: { chartRef: { kind: "OCIRepository", name: "podinfo" } } };
    expect(chooseRollback(byRef, {})).toMatchObject({ ok: false });
  });
});
