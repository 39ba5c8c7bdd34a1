import { describe, expect, it } from "vitest";
import { containerImages } from "../../../../src/core/workloads/container-images.ts";
import { trackedRef } from "../../../../src/core/workloads/tracked-ref.ts";
import { aHelmRelease } from "../../../helpers/helm-releases.ts";
import { aDeployment } from "../../../helpers/update-requests.ts";

function tracked(workload: ReturnType<typeof aDeployment>) {
  const [container] = containerImages(workload);
  if (container === undefined) throw new Error("no container");
  const result = trackedRef(workload, container);
  return result.kind === "tracked" ? { kind: "tracked", key: result.key, tag: result.ref.tag } : result;
}

describe("trackedRef", () => {
  it("an image: its repository", () => {
    expect(tracked(aDeployment("nginx:1.25.3"))).toEqual({
      kind: "tracked",
      key: "docker.io/library/nginx",
      tag: "1.25.3",
    });
  });

  it("an invalid image: an error to report", () => {
    expect(tracked(aDeployment("NOT VALID"))).toEqual({
      kind: "error",
      message: 'container nginx: "NOT VALID" is not a valid image reference',
    });
  });

  it("a chart: its source's key, the version as the tag (OCI spelling)", () => {
    expect(tracked(aHelmRelease("6.5.0+build.1"))).toEqual({
      kind: "tracked",
      key: "helmrepository/shop/charts/podinfo",
      tag: "6.5.0_build.1",
    });
  });

  it("a version range: Flux follows it, nothing to report", () => {
    expect(tracked(aHelmRelease("6.x"))).toEqual({
      kind: "idle",
      reason: 'chart version "6.x" is a range Flux already follows',
    });
  });

  it("a chart from a GitRepository: reported, it has no versions", () => {
    expect(tracked(aHelmRelease("6.5.0", { sourceKind: "GitRepository" }))).toEqual({
      kind: "error",
      message: "chart podinfo: a GitRepository source has no chart versions to follow (HelmRepository only)",
    });
  });
});
