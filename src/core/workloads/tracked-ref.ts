/**
 * What a container follows: its image reference and the key of the tag ConfigMap that records the
 * repository's tags — or, for a HelmRelease's chart, its exact version and the key of the chart
 * source's ConfigMap. Shared by the customize and sync hooks, so both relate the same ConfigMaps,
 * and by `kubectl headwind plan`, so it reads the ConfigMaps the hooks would.
 */
import { chartSourceKey, isExactVersion, releaseChart, versionRef } from "../charts/helm-release.ts";
import { type ImageRef, parseImageRef, repositoryKey } from "../images/image-ref.ts";
import type { KubeObject } from "../kube-object.ts";
import type { ContainerImage } from "./container-images.ts";

export type Tracked =
  | { readonly kind: "tracked"; readonly ref: ImageRef; readonly key: string }
  /** Nothing to follow, and nothing wrong (a version range Flux already follows). */
  | { readonly kind: "idle"; readonly reason: string }
  | { readonly kind: "error"; readonly message: string };

/** Sources whose charts have versions to list. */
const versionedSources = new Set(["HelmRepository"]);

function trackedChart(workload: KubeObject, container: ContainerImage): Tracked {
  const chart = releaseChart(workload);
  if (chart.via !== "chart") return { kind: "error", message: "the release names no chart" };
  if (!versionedSources.has(chart.source.kind)) {
    const message = `chart ${chart.chart}: a ${chart.source.kind} source has no chart versions to follow (HelmRepository only)`;
    return { kind: "error", message };
  }
  if (!isExactVersion(container.image)) {
    return {
      kind: "idle",
      reason: `chart version ${JSON.stringify(container.image)} is a range Flux already follows`,
    };
  }
  return { kind: "tracked", ref: versionRef(container.image), key: chartSourceKey(chart) };
}

export function trackedRef(workload: KubeObject, container: ContainerImage): Tracked {
  if (container.containerType === "chart") return trackedChart(workload, container);
  const ref = parseImageRef(container.image);
  if (ref === undefined) {
    const message = `container ${container.name}: ${JSON.stringify(container.image)} is not a valid image reference`;
    return { kind: "error", message };
  }
  return { kind: "tracked", ref, key: repositoryKey(ref) };
}
