/**
 * Flux HelmReleases (`helm.toolkit.fluxcd.io/v2`) as Headwind targets: the chart is the one
 * "container" and its version the "image". A release names its chart's source by reference, so
 * the key of the version ConfigMap comes from the spec alone (Metacontroller's customize hook sees
 * nothing else): `helmrepository/<namespace>/<name>/<chart>` for `spec.chart.spec.sourceRef`, and
 * `ocirepository/<namespace>/<name>` for `spec.chartRef`. The sidecar resolves the source object.
 */
import semver from "semver";
import type { ImageRef } from "../images/image-ref.ts";
import type { KubeObject } from "../kube-object.ts";

export const helmReleaseApiVersion = "helm.toolkit.fluxcd.io/v2";
export const sourceApiVersion = "source.toolkit.fluxcd.io/v1";

export interface SourceRef {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
}

export type ReleaseChart =
  /** `spec.chart.spec`: the version lives on the release. */
  | { readonly via: "chart"; readonly chart: string; readonly version: string; readonly source: SourceRef }
  /** `spec.chartRef`: the version is chosen by the referenced source. */
  | { readonly via: "chartRef"; readonly source: SourceRef }
  | { readonly via: "invalid"; readonly reason: string };

const str = (value: unknown): string | undefined =>
  typeof value === "string" && value.length > 0 ? value : undefined;

function refOf(value: unknown, namespace: string): SourceRef | undefined {
  const ref = (value ?? {}) as Record<string, unknown>;
  const kind = str(ref.kind);
  const name = str(ref.name);
  return kind && name ? { kind, name, namespace: str(ref.namespace) ?? namespace } : undefined;
}

export function releaseChart(release: KubeObject): ReleaseChart {
  const spec = (release.spec ?? {}) as { chart?: { spec?: Record<string, unknown> }; chartRef?: unknown };
  const namespace = release.metadata.namespace ?? "";
  const chartSpec = spec.chart?.spec;
  if (chartSpec !== undefined) {
    const chart = str(chartSpec.chart);
    const source = refOf(chartSpec.sourceRef, namespace);
    if (chart === undefined || source === undefined)
      return { via: "invalid", reason: "spec.chart.spec names no chart or sourceRef" };
    return { via: "chart", chart, version: str(chartSpec.version) ?? "*", source };
  }
  const source = refOf(spec.chartRef, namespace);
  return source === undefined
    ? { via: "invalid", reason: "neither spec.chart nor spec.chartRef is set" }
    : { via: "chartRef", source };
}

/** The key of the ConfigMap that records the chart's versions. */
export function chartSourceKey(chart: Exclude<ReleaseChart, { via: "invalid" }>): string {
  const { kind, namespace, name } = chart.source;
  const base = `${kind.toLowerCase()}/${namespace}/${name}`;
  return chart.via === "chart" ? `${base}/${chart.chart}` : base;
}

/**
 * OCI tags cannot hold `+`, so Helm pushes `1.2.3+build` as `1.2.3_build`; the ConfigMap keeps
 * versions in that tag spelling, and releases get the SemVer spelling back.
 */
export const versionToTag = (version: string): string => version.replaceAll("+", "_");
export const tagToVersion = (tag: string): string => tag.replaceAll("_", "+");

/** An exact version (what Headwind moves), as opposed to a range Flux already follows. */
export function isExactVersion(version: string): boolean {
  return semver.valid(version) !== null && version.trim() === version;
}

/** The version as an image reference with only a tag, so the image policies apply to charts unchanged. */
export function versionRef(version: string): ImageRef {
  return {
    domain: undefined,
    path: "chart",
    tag: versionToTag(version),
    digest: undefined,
    registry: "chart",
    repository: "chart",
  };
}
