import { describe, expect, it } from "vitest";
import {
  findTargetKind,
  findWorkloadKind,
  targetKindList,
  targetKindNamed,
  workloadKindNamed,
} from "../../../../src/core/workloads/workload-kinds.ts";

describe("kinds as people type them", () => {
  it.each([
    ["deployment", "Deployment"],
    ["deployments", "Deployment"],
    ["deploy", "Deployment"],
    ["STS", "StatefulSet"],
    ["cj", "CronJob"],
  ])("%s is a workload kind (%s) and a target kind", (text, kind) => {
    expect(workloadKindNamed(text)?.kind).toBe(kind);
    expect(targetKindNamed(text)?.kind).toBe(kind);
  });

  it.each(["helmrelease", "helmreleases", "HelmRelease", "hr"])(
    "%s is a target kind only: a HelmRelease has no pod template",
    (text) => {
      expect(targetKindNamed(text)).toEqual({
        kind: "HelmRelease",
        apiVersion: "helm.toolkit.fluxcd.io/v2",
        resource: "helmreleases",
      });
      expect(workloadKindNamed(text)).toBeUndefined();
    },
  );

  it.each(["pod", "pods", "job", "", "helm"])("%j is no kind Headwind manages", (text) => {
    expect(targetKindNamed(text)).toBeUndefined();
  });

  it("finds a kind by its exact apiVersion, and lists every target kind for messages", () => {
    expect(findTargetKind("HelmRelease", "helm.toolkit.fluxcd.io/v2")?.resource).toBe("helmreleases");
    expect(findTargetKind("HelmRelease", "helm.toolkit.fluxcd.io/v2beta1")).toBeUndefined();
    expect(findWorkloadKind("HelmRelease")).toBeUndefined();
    expect(targetKindList).toBe("deployment, statefulset, daemonset, cronjob, helmrelease");
  });
});
