import { describe, expect, it } from "vitest";
import { KubeApiError } from "../../../../src/kube/kube-api-error.ts";
import { loadChartInterest } from "../../../../src/sidecar/runtime/load-chart-interest.ts";
import { aHelmRelease } from "../../../helpers/helm-releases.ts";
import { fakeSidecarKube } from "./fake-sidecar-kube.ts";

const repository = {
  apiVersion: "source.toolkit.fluxcd.io/v1",
  kind: "HelmRepository",
  metadata: { name: "charts", namespace: "shop" },
  spec: { url: "https://charts.example.com" },
};

describe("loadChartInterest", () => {
  it("lists annotated HelmReleases and GETs each source once", async () => {
    const fake = fakeSidecarKube({
      workloads: [
        aHelmRelease("6.5.0"),
        aHelmRelease("1.0.0", { chart: "nginx" }),
        aHelmRelease("1.0.0", { chart: "off", annotations: { "headwind.sh/policy": "none" } }),
      ],
    });
    fake.state.fluxSources.set("HelmRepository/shop/charts", repository);
    const interest = await loadChartInterest(fake.kube, 300, 500);
    expect(interest.map((i) => i.key)).toEqual([
      "helmrepository/shop/charts/nginx",
      "helmrepository/shop/charts/podinfo",
    ]);
    expect(fake.calls).toEqual(["listWorkloads HelmRelease", "getFluxSource HelmRepository/shop/charts"]);
  });

  it("without Flux (404) or without the Flux component's RBAC (403): no charts, no error", async () => {
    for (const status of [404, 403]) {
      const fake = fakeSidecarKube();
      fake.fail("listWorkloads", new KubeApiError(status, "no", "NotFound"));
      expect(await loadChartInterest(fake.kube, 300, 500)).toEqual([]);
    }
  });

  it("a source it may not read is that chart's error", async () => {
    const fake = fakeSidecarKube({ workloads: [aHelmRelease("6.5.0")] });
    fake.fail("getFluxSource", new KubeApiError(403, "forbidden", "Forbidden"));
    expect((await loadChartInterest(fake.kube, 300, 500))[0]?.source).toEqual({
      kind: "unsupported",
      reason: "HelmRepository shop/charts not found (or not readable by the sidecar)",
    });
  });

  it("any other failure fails the LIST (the previous interest stays)", async () => {
    const fake = fakeSidecarKube();
    fake.fail("listWorkloads", new KubeApiError(500, "boom", "InternalError"));
    await expect(loadChartInterest(fake.kube, 300, 500)).rejects.toThrow("boom");
  });
});
