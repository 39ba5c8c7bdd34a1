import { describe, expect, it } from "vitest";
import { parseAnnotations } from "../../../src/core/annotations/parse-annotations.ts";
import type { KubeObject } from "../../../src/core/kube-object.ts";
import { type RepositoryTags, readRepositoryTags } from "../../../src/core/policy/read-repository-tags.ts";
import { buildTagConfigMap, type ObservedTags } from "../../../src/core/tags/tag-configmap.ts";
import type { UpdateRequest } from "../../../src/core/updaterequests/update-request.ts";
import { followedKeys, planRows } from "../../../src/plugin/plan-rows.ts";
import { aHelmRelease } from "../../helpers/helm-releases.ts";
import { aChartUpdateRequest, anOptedInDeployment } from "../../helpers/update-requests.ts";

const now = Date.parse("2026-12-01T12:00:00Z");
const chartKey = "helmrepository/shop/charts/podinfo";

function recorded(observed: Omit<ObservedTags, "truncated">, pollError?: string): RepositoryTags {
  const configMap = buildTagConfigMap(observed, "headwind") as unknown as KubeObject;
  if (pollError !== undefined) configMap.metadata.annotations = { "headwind.sh/poll-error": pollError };
  const read = readRepositoryTags(configMap);
  if (!read.ok) throw new Error(read.error);
  return read.value;
}

const versions = (tags: string[], extra: Partial<ObservedTags> = {}) =>
  recorded({ repository: chartKey, tags, digests: {}, ...extra });

function plan(
  workload: KubeObject,
  observed: Record<string, RepositoryTags> = {},
  requests: UpdateRequest[] = [],
  lastUpdateMs?: number,
) {
  const { config } = parseAnnotations(workload.metadata.annotations);
  return planRows({
    workload,
    config,
    requests,
    observed: new Map(Object.entries(observed)),
    lastUpdateMs,
    nowMs: now,
  });
}

describe("planRows for a HelmRelease", () => {
  it("follows the chart's source key, as the hooks relate it", () => {
    const release = aHelmRelease("6.5.0");
    expect(followedKeys(release, parseAnnotations(release.metadata.annotations).config)).toEqual([chartKey]);
  });

  it("proposes the newest version the policy allows", () => {
    const { rows, plans } = plan(aHelmRelease("6.5.0"), {
      [chartKey]: versions(["6.5.0", "6.6.0", "7.0.0"]),
    });
    expect(rows).toEqual([["podinfo", "6.5.0", "minor", "propose", "6.6.0 (needs approval)"]]);
    expect(plans).toMatchObject([{ container: "podinfo", image: "6.5.0", plan: { kind: "propose" } }]);
  });

  it("says a release at the newest allowed version has nothing to do", () => {
    const { rows } = plan(aHelmRelease("6.6.0"), { [chartKey]: versions(["6.5.0", "6.6.0", "7.0.0"]) });
    expect(rows).toEqual([["podinfo", "6.6.0", "minor", "none", "no tag newer than 6.6.0 allowed by minor"]]);
  });

  it("names the request already waiting for that version", () => {
    const pending = aChartUpdateRequest(undefined, { newImage: "6.6.0" });
    const { rows } = plan(aHelmRelease("6.5.0"), { [chartKey]: versions(["6.5.0", "6.6.0"]) }, [pending]);
    expect(rows[0]?.slice(3)).toEqual(["waiting", `${pending.metadata.name} is Pending: 6.6.0`]);
  });

  it("holds a version back until it reaches headwind.sh/min-image-age, and says when", () => {
    const release = aHelmRelease("6.5.0", { annotations: { "headwind.sh/min-image-age": "24h" } });
    const nowSeconds = now / 1000;
    const observed = versions(["6.5.0", "6.6.0"], {
      times: { since: nowSeconds - 90 * 86_400, created: { "6.6.0": nowSeconds - 3600 }, seen: {} },
    });
    const { rows } = plan(release, { [chartKey]: observed });
    expect(rows[0]?.slice(3)).toEqual([
      "none",
      "6.6.0 is younger than min-image-age 1d for 82800s more; a newer version comes of age in 82800s (min-image-age)",
    ]);
  });

  it("says when the chart's versions are not recorded yet", () => {
    const { rows } = plan(aHelmRelease("6.5.0"));
    expect(rows).toEqual([
      [
        "podinfo",
        "6.5.0",
        "minor",
        "none",
        "no tags observed for this repository yet; versions of chart podinfo from HelmRepository shop/charts are not recorded yet",
      ],
    ]);
  });

  it("adds the sidecar's failed read of the source to the last good versions", () => {
    const observed = recorded(
      { repository: chartKey, tags: ["6.5.0", "6.6.0"], digests: {} },
      "unauthorized: Secret shop/charts-auth not found",
    );
    const { rows } = plan(aHelmRelease("6.5.0"), { [chartKey]: observed });
    expect(rows[0]?.[4]).toBe(
      "6.6.0 (needs approval); the sidecar's last read failed: unauthorized: Secret shop/charts-auth not found",
    );
  });

  it.each([
    [
      "a GitRepository source",
      aHelmRelease("6.5.0", { sourceKind: "GitRepository" }),
      [
        "podinfo",
        "6.5.0",
        "minor",
        "none",
        "chart podinfo: a GitRepository source has no chart versions to follow (HelmRepository only)",
      ],
    ],
    [
      "a version range",
      aHelmRelease("6.x"),
      ["podinfo", "6.x", "minor", "none", 'chart version "6.x" is a range Flux already follows'],
    ],
    [
      "a chartRef to an OCIRepository",
      {
        ...aHelmRelease("6.5.0"),
        spec: { chartRef: { kind: "OCIRepository", name: "podinfo" } },
      },
      [
        "ocirepository/shop/podinfo",
        "-",
        "minor",
        "none",
        "spec.chartRef: the OCIRepository shop/podinfo chooses the chart version; Headwind proposes only for spec.chart.spec.version from a HelmRepository",
      ],
    ],
    [
      "no chart at all",
      { ...aHelmRelease("6.5.0"), spec: {} },
      ["-", "-", "minor", "none", "neither spec.chart nor spec.chartRef is set"],
    ],
  ])("explains a release it cannot follow: %s", (_, release, row) => {
    const { rows, plans } = plan(release as KubeObject, { [chartKey]: versions(["6.5.0", "6.6.0"]) });
    expect(rows).toEqual([row]);
    expect(plans).toEqual([]);
  });
});

describe("planRows for a workload", () => {
  it("decides each container from its repository's tags, with the policy", () => {
    const repository = "docker.io/library/nginx";
    const tags = recorded({ repository, tags: ["1.25.3", "1.27.0", "2.0.0"], digests: {} });
    const { rows } = plan(anOptedInDeployment("nginx:1.25.3"), { [repository]: tags });
    expect(rows).toEqual([["nginx", "nginx:1.25.3", "minor", "propose", "nginx:1.27.0 (needs approval)"]]);
  });

  it("defers a proposal within min-update-interval of the last update", () => {
    const repository = "docker.io/library/nginx";
    const tags = recorded({ repository, tags: ["1.25.3", "1.27.0"], digests: {} });
    const deployment = anOptedInDeployment("nginx:1.25.3");
    deployment.metadata.annotations = {
      ...deployment.metadata.annotations,
      "headwind.sh/min-update-interval": "1h",
    };
    const { rows } = plan(deployment, { [repository]: tags }, [], now - 600_000);
    expect(rows[0]?.slice(3)).toEqual(["defer", "nginx:1.27.0 in 3000s (min-update-interval)"]);
  });
});
