/**
 * The workloads customize hook: relate exactly the tag ConfigMaps of the workload's images (or a
 * HelmRelease's chart source) — for each its own namespace's scope and the shared one (sync
 * prefers the first, see `visibleTags`). Metacontroller caches this per (uid, generation), so it may depend on the spec
 * (and the never-changing namespace) only — images live in the spec, annotations do not, hence
 * every container is related whatever `images` says.
 */
import type { KubeObject } from "../../core/kube-object.ts";
import { tagConfigMapName } from "../../core/tags/tag-configmap.ts";
import { containerImages } from "../../core/workloads/container-images.ts";
import { trackedRef } from "../../core/workloads/tracked-ref.ts";
import type { HookSettings } from "../config/hook-settings.ts";
import type { CustomizeResponse } from "../metacontroller/wire.ts";

export function customizeWorkload(workload: KubeObject, settings: HookSettings): CustomizeResponse {
  const names = new Set<string>();
  const { namespace } = workload.metadata;
  for (const container of containerImages(workload)) {
    const tracked = trackedRef(workload, container);
    if (tracked.kind !== "tracked") continue;
    names.add(tagConfigMapName(tracked.key));
    if (namespace !== undefined) names.add(tagConfigMapName(tracked.key, namespace));
  }
  if (names.size === 0) return { relatedResources: [] };
  return {
    relatedResources: [
      { apiVersion: "v1", resource: "configmaps", namespace: settings.namespace, names: [...names].sort() },
    ],
  };
}
