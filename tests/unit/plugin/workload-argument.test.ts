import { describe, expect, it } from "vitest";
import { parseTargetArgument, parseWorkloadArgument } from "../../../src/plugin/workload-argument.ts";

describe("parseWorkloadArgument", () => {
  it.each([
    [["deployment/web"], "Deployment"],
    [["deploy/web"], "Deployment"],
    [["statefulsets", "web"], "StatefulSet"],
    [["ds/web"], "DaemonSet"],
    [["CronJob/web"], "CronJob"],
  ])("%j names a %s", (args, kind) => {
    expect(parseWorkloadArgument(args)).toMatchObject({ kind: { kind }, name: "web" });
  });

  it.each([[[]], [["pod/web"]], [["deployment"]], [["helmrelease/web"]]])("%j is a usage error", (args) => {
    expect(() => parseWorkloadArgument(args)).toThrow(
      /name a workload as KIND\/NAME, e\.g\. deployment\/web \(kinds: deployment, statefulset, daemonset, cronjob\)/,
    );
  });
});

describe("parseTargetArgument (history, rollback)", () => {
  it.each([
    [["helmrelease/web"], "HelmRelease", "helm.toolkit.fluxcd.io/v2"],
    [["hr", "web"], "HelmRelease", "helm.toolkit.fluxcd.io/v2"],
    [["HelmReleases/web"], "HelmRelease", "helm.toolkit.fluxcd.io/v2"],
    [["deploy/web"], "Deployment", "apps/v1"],
  ])("%j names a %s", (args, kind, apiVersion) => {
    expect(parseTargetArgument(args)).toMatchObject({
      kind: { kind, apiVersion },
      name: "web",
    });
  });

  it("names every kind it takes when it takes none", () => {
    expect(() => parseTargetArgument(["pod/web"])).toThrow(
      "(kinds: deployment, statefulset, daemonset, cronjob, helmrelease)",
    );
  });
});
