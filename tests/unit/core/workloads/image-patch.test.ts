import { describe, expect, it } from "vitest";
import { containerImages, podSelector } from "../../../../src/core/workloads/container-images.ts";
import { planImagePatch } from "../../../../src/core/workloads/image-patch.ts";
import { aHelmRelease } from "../../../helpers/helm-releases.ts";
import { aDeployment } from "../../../helpers/update-requests.ts";

const cronJob = {
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name: "report", namespace: "shop" },
  spec: {
    schedule: "0 * * * *",
    jobTemplate: {
      spec: {
        template: {
          spec: {
            initContainers: [{ name: "init", image: "busybox:1.36" }],
            containers: [{ name: "job", image: "app:1.0.0" }],
          },
        },
      },
    },
  },
};

describe("planImagePatch", () => {
  const change = {
    containerType: "containers" as const,
    container: "nginx",
    from: "nginx:1.25.3",
    to: "nginx:1.27.0",
  };

  it("tests the expected image before replacing it", () => {
    expect(planImagePatch(aDeployment("nginx:1.25.3"), change)).toEqual({
      kind: "patch",
      ops: [
        { op: "test", path: "/spec/template/spec/containers/0/image", value: "nginx:1.25.3" },
        { op: "replace", path: "/spec/template/spec/containers/0/image", value: "nginx:1.27.0" },
      ],
    });
  });

  it("is a no-op when the image is already the wanted one", () => {
    expect(planImagePatch(aDeployment("nginx:1.27.0"), change)).toEqual({ kind: "noop" });
  });

  it("refuses when someone else changed the image", () => {
    expect(planImagePatch(aDeployment("nginx:1.26.0"), change)).toEqual({
      kind: "conflict",
      message: "container nginx runs nginx:1.26.0, expected nginx:1.25.3",
    });
  });

  it("finds CronJob init containers under the job template", () => {
    const plan = planImagePatch(cronJob, {
      containerType: "initContainers",
      container: "init",
      from: "busybox:1.36",
      to: "busybox:1.37",
    });
    expect(plan).toMatchObject({
      kind: "patch",
      ops: [{ path: "/spec/jobTemplate/spec/template/spec/initContainers/0/image" }, {}],
    });
  });

  it("refuses a container that does not exist", () => {
    expect(planImagePatch(aDeployment("nginx:1.25.3"), { ...change, container: "gone" })).toMatchObject({
      kind: "conflict",
    });
  });
});

describe("containerImages / podSelector", () => {
  it("lists containers and init containers", () => {
    expect(containerImages(cronJob)).toEqual([
      { containerType: "containers", name: "job", image: "app:1.0.0" },
      { containerType: "initContainers", name: "init", image: "busybox:1.36" },
    ]);
    expect(podSelector(aDeployment("x"))).toEqual({ app: "web" });
    expect(podSelector(cronJob)).toBeUndefined();
  });
});

describe("planImagePatch of a HelmRelease's chart version", () => {
  const change = { containerType: "chart" as const, container: "podinfo", from: "6.5.0", to: "6.5.1" };

  it("is the release's one container", () => {
    expect(containerImages(aHelmRelease("6.5.0"))).toEqual([
      { containerType: "chart", name: "podinfo", image: "6.5.0" },
    ]);
  });

  it("tests and replaces spec.chart.spec.version", () => {
    expect(planImagePatch(aHelmRelease("6.5.0"), change)).toEqual({
      kind: "patch",
      ops: [
        { op: "test", path: "/spec/chart/spec/version", value: "6.5.0" },
        { op: "replace", path: "/spec/chart/spec/version", value: "6.5.1" },
      ],
    });
  });

  it.each([
    ["already there: a no-op", aHelmRelease("6.5.1"), { kind: "noop" }],
    [
      "someone moved it",
      aHelmRelease("6.6.0"),
      { kind: "conflict", message: "chart podinfo is at 6.6.0, expected 6.5.0" },
    ],
    [
      "another chart now",
      aHelmRelease("6.5.0", { chart: "other" }),
      { kind: "conflict", message: "HelmRelease web has no chart podinfo" },
    ],
  ])("%s", (_, release, expected) => {
    expect(planImagePatch(release, change)).toEqual(expected);
  });
});
