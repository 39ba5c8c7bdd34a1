/**
 * The UpdateRequests customize hook: relate the target workload, and its Pods through the
 * selector the UR carries in its spec (customize sees only the parent, cached per generation).
 */
import type { KubeObject } from "../../core/kube-object.ts";
import type { UpdateRequestSpec } from "../../core/updaterequests/update-request.ts";
import { findTargetKind } from "../../core/workloads/workload-kinds.ts";
import type { CustomizeResponse } from "../metacontroller/wire.ts";

export function customizeUpdateRequest(ur: KubeObject): CustomizeResponse {
  const spec = ur.spec as Partial<UpdateRequestSpec> | undefined;
  const target = spec?.targetRef;
  const kind = target === undefined ? undefined : findTargetKind(target.kind, target.apiVersion);
  if (target === undefined || kind === undefined) return { relatedResources: [] };
  const namespace = ur.metadata.namespace ?? target.namespace;
  return {
    relatedResources: [
      { apiVersion: kind.apiVersion, resource: kind.resource, namespace, names: [target.name] },
      ...(spec?.selector
        ? [{ apiVersion: "v1", resource: "pods", namespace, labelSelector: { matchLabels: spec.selector } }]
        : []),
    ],
  };
}
