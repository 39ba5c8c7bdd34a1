import { describe, expect, it } from "vitest";
import {
  chartSourceKey,
  isExactVersion,
  releaseChart,
  tagToVersion,
  versionToTag,
} from "../../../../src/core/charts/helm-release.ts";
import type { KubeObject } from "../../../../src/core/kube-object.ts";
import { aHelmRelease } from "../../../helpers/helm-releases.ts";

describe("releaseChart / chartSourceKey", () => {
  it("a chart from a HelmRepository in the release's namespace", () => {
    const chart = releaseChart(aHelmRelease("6.5.0"));
    expect(chart).toEqual({
      via: "chart",
      chart: "podinfo",
      version: "6.5.0",
      source: { kind: "HelmRepository", name: "charts", namespace: "shop" },
    });
    if (chart.via !== "invalid") expect(chartSourceKey(chart)).toBe("helmrepository/shop/charts/podinfo");
  });

  it("a source in another namespace; no version means any (`*`)", () => {
    const release = aHelmRelease("", { sourceNamespace: "flux-system" });
    const chart = releaseChart(release);
    expect(chart).toMatchObject({ version: "*", source: { namespace: "flux-system" } });
    if (chart.via !== "invalid")
      expect(chartSourceKey(chart)).toBe("helmrepository/flux-system/charts/podinfo");
  });

  it("a chartRef to an OCIRepository", () => {
    const release: KubeObject = {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "web", namespace: "shop" },
      spec: { chartRef: { kind: "OCIRepository", name: "podinfo" } },
    };
    const chart = releaseChart(release);
    expect(chart).toEqual({
      via: "chartRef",
      source: { kind: "OCIRepository", name: "podinfo", namespace: "shop" },
    });
    if (chart.via !== "invalid") expect(chartSourceKey(chart)).toBe("ocirepository/shop/podinfo");
  });

  it.each([
    [{}, "neither spec.chart nor spec.chartRef is set"],
    [{ chart: { spec: { chart: "x" } } }, "spec.chart.spec names no chart or sourceRef"],
    [
      { chart: { spec: { sourceRef: { kind: "HelmRepository", name: "r" } } } },
      "spec.chart.spec names no chart or sourceRef",
    ],
  ])("invalid: %j", (spec, reason) => {
    const release: KubeObject = { apiVersion: "v", kind: "HelmRelease", metadata: { name: "a" }, spec };
    expect(releaseChart(release)).toEqual({ via: "invalid", reason });
  });
});

describe("versions", () => {
  it.each([
    ["6.5.0", true],
    ["v6.5.0", true],
    ["6.5.0-rc.1+build.7", true],
    ["6.5", false],
    ["6.x", false],
    ["*", false],
    [">=6.0.0 <7.0.0", false],
    ["~6.5.0", false],
  ])("%s exact: %s", (version, exact) => {
    expect(isExactVersion(version)).toBe(exact);
  });

  it("OCI tags spell + as _ and back", () => {
    expect(versionToTag("1.2.3+build.7")).toBe("1.2.3_build.7");
    expect(tagToVersion("1.2.3_build.7")).toBe("1.2.3+build.7");
  });
});
