import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../../src/core/kube-object.ts";
import { buildChartInterest, sourcesToRead } from "../../../../src/sidecar/charts/chart-interest.ts";
import { aHelmRelease } from "../../../helpers/helm-releases.ts";

function source(
  kind: string,
  spec: Record<string, unknown>,
  name = "charts",
  namespace = "shop",
): [string, KubeObject] {
  return [
    `${kind}/${namespace}/${name}`,
    { apiVersion: "source.toolkit.fluxcd.io/v1", kind, metadata: { name, namespace }, spec },
  ];
}

const http = source("HelmRepository", {
  url: "https://charts.example.com/stable/",
  secretRef: { name: "basic" },
});
const oci = source("HelmRepository", { type: "oci", url: "oci://ghcr.io/acme/charts" });

describe("buildChartInterest", () => {
  it("an HTTP HelmRepository: the index URL, the chart and the secret, whose namespace scopes it", () => {
    expect(buildChartInterest([aHelmRelease("6.5.0")], new Map([http]), 300)).toEqual([
      {
        key: "helmrepository/shop/charts/podinfo",
        namespace: "shop",
        source: {
          kind: "http",
          url: "https://charts.example.com/stable/",
          chart: "podinfo",
          secret: { namespace: "shop", name: "basic" },
        },
        pollingIntervalSeconds: 300,
        creationTimes: false,
      },
    ]);
  });

  it("an OCI HelmRepository: the chart is a repository under its URL", () => {
    expect(buildChartInterest([aHelmRelease("6.5.0")], new Map([oci]), 300)[0]?.source).toEqual({
      kind: "oci",
      repository: "ghcr.io/acme/charts/podinfo",
      secret: undefined,
    });
  });

  it("a chartRef to an OCIRepository: its URL is the chart", () => {
    const release: KubeObject = {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: { name: "web", namespace: "shop", annotations: { "headwind.sh/policy": "minor" } },
      spec: { chartRef: { kind: "OCIRepository", name: "podinfo" } },
    };
    const repo = source(
      "OCIRepository",
      { url: "oci://ghcr.io/stefanprodan/charts/podinfo", ref: { tag: "6.5.0" } },
      "podinfo",
    );
    expect(buildChartInterest([release], new Map([repo]), 300)).toEqual([
      {
        key: "ocirepository/shop/podinfo",
        source: { kind: "oci", repository: "ghcr.io/stefanprodan/charts/podinfo", secret: undefined },
        pollingIntervalSeconds: 300,
        creationTimes: false,
      },
    ]);
  });

  it("releases of one chart merge: the shortest interval, creation times if any asks", () => {
    const a = aHelmRelease("6.5.0", { annotations: { "headwind.sh/polling-interval": "1m" } });
    const b = aHelmRelease("6.4.0", { annotations: { "headwind.sh/min-image-age": "1d" } });
    expect(buildChartInterest([a, b], new Map([http]), 300)).toMatchObject([
      { key: "helmrepository/shop/charts/podinfo", pollingIntervalSeconds: 60, creationTimes: true },
    ]);
  });

  it.each<[string, KubeObject, [string, KubeObject][], string]>([
    [
      "a missing source",
      aHelmRelease("6.5.0"),
      [],
      "HelmRepository shop/charts not found (or not readable by the sidecar)",
    ],
    [
      "a GitRepository",
      aHelmRelease("6.5.0", { sourceKind: "GitRepository" }),
      [],
      "a GitRepository source has no chart versions to follow",
    ],
    [
      "a cloud provider's identity",
      aHelmRelease("6.5.0"),
      [source("HelmRepository", { type: "oci", url: "oci://x.azurecr.io/c", provider: "azure" })],
      "HelmRepository shop/charts: provider azure (cloud identity) is not supported",
    ],
    [
      "an OCI repository without oci://",
      aHelmRelease("6.5.0"),
      [source("HelmRepository", { type: "oci", url: "https://ghcr.io/acme" })],
      'HelmRepository shop/charts: "https://ghcr.io/acme" is not an oci:// repository',
    ],
  ])("%s is reported through its ConfigMap", (_, release, sources, reason) => {
    expect(buildChartInterest([release], new Map(sources), 300)[0]?.source).toEqual({
      kind: "unsupported",
      reason,
    });
  });

  it.each<[string, KubeObject]>([
    ["policy none", aHelmRelease("6.5.0", { annotations: { "headwind.sh/policy": "none" } })],
    ["event-source none", aHelmRelease("6.5.0", { annotations: { "headwind.sh/event-source": "none" } })],
    ["a version range (Flux follows it)", aHelmRelease(">=6.0.0")],
  ])("%s: nothing to poll", (_, release) => {
    expect(buildChartInterest([release], new Map([http]), 300)).toEqual([]);
  });
});

describe("sourcesToRead", () => {
  it("each HelmRepository or OCIRepository once; never a GitRepository", () => {
    const releases = [
      aHelmRelease("1.0.0"),
      aHelmRelease("2.0.0", { chart: "other" }),
      aHelmRelease("1.0.0", { sourceKind: "GitRepository" }),
    ];
    expect(sourcesToRead(releases, 300)).toEqual([
      { kind: "HelmRepository", name: "charts", namespace: "shop" },
    ]);
  });
});
