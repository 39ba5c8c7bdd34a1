/**
 * The guarded image change: a JSON patch that tests the expected current image (or chart version)
 * before replacing it, so a stale decision can never overwrite someone else's change. Pure; the
 * executor sends it.
 */
import { releaseChart } from "../charts/helm-release.ts";
import type { KubeObject } from "../kube-object.ts";
import { type ContainerType, podSpecOf } from "./container-images.ts";
import { findWorkloadKind } from "./workload-kinds.ts";

export type JsonPatchOp = { op: "test" | "replace"; path: string; value: string };

export type ImagePatchPlan =
  | { kind: "patch"; ops: JsonPatchOp[] }
  /** Already at the wanted image: a repeat is a no-op. */
  | { kind: "noop" }
  | { kind: "conflict"; message: string };

export interface ImageChange {
  readonly containerType: ContainerType;
  readonly container: string;
  readonly from: string;
  readonly to: string;
}

/** A HelmRelease's chart version: `spec.chart.spec.version`, for the same chart only. */
function planVersionPatch(live: KubeObject, change: ImageChange): ImagePatchPlan {
  const chart = releaseChart(live);
  if (chart.via !== "chart" || chart.chart !== change.container) {
    return {
      kind: "conflict",
      message: `${live.kind} ${live.metadata.name} has no chart ${change.container}`,
    };
  }
  if (chart.version === change.to) return { kind: "noop" };
  if (chart.version !== change.from) {
    return {
      kind: "conflict",
      message: `chart ${change.container} is at ${chart.version}, expected ${change.from}`,
    };
  }
  const path = "/spec/chart/spec/version";
  return {
    kind: "patch",
    ops: [
      { op: "test", path, value: change.from },
      { op: "replace", path, value: change.to },
    ],
  };
}

export function planImagePatch(live: KubeObject, change: ImageChange): ImagePatchPlan {
  if (change.containerType === "chart") return planVersionPatch(live, change);
  const kind = findWorkloadKind(live.kind);
  const list = podSpecOf(live)?.[change.containerType];
  const index = Array.isArray(list) ? list.findIndex((c) => c?.name === change.container) : -1;
  if (kind === undefined || !Array.isArray(list) || index < 0) {
    return {
      kind: "conflict",
      message: `${live.kind} ${live.metadata.name} has no ${change.containerType} ${change.container}`,
    };
  }
  const image = (list[index] as { image?: unknown }).image;
  if (image === change.to) return { kind: "noop" };
  if (image !== change.from) {
    return {
      kind: "conflict",
      message: `container ${change.container} runs ${String(image)}, expected ${change.from}`,
    };
  }
  const path = `/${[...kind.podSpecPath, change.containerType, String(index), "image"].join("/")}`;
  return {
    kind: "patch",
    ops: [
      { op: "test", path, value: change.from },
      { op: "replace", path, value: change.to },
    ],
  };
}
