/**
 * Reads the images of a workload's containers and init containers, and its pod selector. A Flux
 * HelmRelease has one "container", its chart, whose "image" is the chart version.
 */
import { releaseChart } from "../charts/helm-release.ts";
import type { KubeObject } from "../kube-object.ts";
import { findWorkloadKind, helmReleaseKind } from "./workload-kinds.ts";

export const containerTypes = ["containers", "initContainers"] as const;
export type ContainerType = (typeof containerTypes)[number] | "chart";

export interface ContainerImage {
  readonly containerType: ContainerType;
  readonly name: string;
  readonly image: string;
}

function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

export function podSpecOf(workload: KubeObject): Record<string, unknown> | undefined {
  const kind = findWorkloadKind(workload.kind);
  const spec = kind === undefined ? undefined : at(workload, kind.podSpecPath);
  return typeof spec === "object" && spec !== null ? (spec as Record<string, unknown>) : undefined;
}

export function containerImages(workload: KubeObject): ContainerImage[] {
  if (workload.kind === helmReleaseKind.kind) {
    const chart = releaseChart(workload);
    return chart.via === "chart" ? [{ containerType: "chart", name: chart.chart, image: chart.version }] : [];
  }
  const podSpec = podSpecOf(workload);
  return containerTypes.flatMap((containerType) => {
    const list = podSpec?.[containerType];
    if (!Array.isArray(list)) return [];
    return list
      .filter(
        (c): c is { name: string; image: string } =>
          typeof c?.name === "string" && typeof c?.image === "string",
      )
      .map((c) => ({ containerType, name: c.name, image: c.image }));
  });
}

/** matchLabels of the workload's selector; Pods of a rollout are found with it. */
export function podSelector(workload: KubeObject): Record<string, string> | undefined {
  const labels = at(workload, ["spec", "selector", "matchLabels"]);
  if (typeof labels !== "object" || labels === null) return undefined;
  const entries = Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === "string");
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
