/**
 * Whether the hooks may act on an UpdateRequest. The hooks' ServiceAccount can patch any workload,
 * so a request someone wrote by hand (or edited) must not become a way around RBAC: Headwind acts
 * only on requests its workloads hook created — controller-owned by their target, which
 * Metacontroller stamps on attachments — for a workload in their own namespace, and never moves a
 * container to another repository.
 */
import { isExactVersion } from "../charts/helm-release.ts";
import { parseImageRef, repositoryKey } from "../images/image-ref.ts";
import type { KubeObject } from "../kube-object.ts";
import type { UpdateRequest } from "./update-request.ts";

interface OwnerReference {
  uid?: string;
  controller?: boolean;
}

/** Undefined when trusted; otherwise why not. */
export function untrustedReason(ur: UpdateRequest, target: KubeObject): string | undefined {
  const { spec, metadata } = ur;
  if (spec.targetRef.namespace !== metadata.namespace)
    return "targetRef must name a workload in the request's own namespace";
  const owners = (metadata.ownerReferences ?? []) as OwnerReference[];
  if (!owners.some((o) => o.controller === true && o.uid !== undefined && o.uid === target.metadata.uid)) {
    return `not created by Headwind for ${spec.targetRef.kind} ${spec.targetRef.name} (no controller owner reference to it)`;
  }
  if (spec.containerType === "chart") {
    // Only the version of the chart the release names ever moves (planImagePatch checks the chart).
    return isExactVersion(spec.currentImage) && isExactVersion(spec.newImage)
      ? undefined
      : "a chart update must move between exact chart versions";
  }
  const from = parseImageRef(spec.currentImage);
  const to = parseImageRef(spec.newImage);
  if (from === undefined || to === undefined || repositoryKey(from) !== repositoryKey(to)) {
    return "newImage must be a valid reference to the same repository as currentImage";
  }
  return undefined;
}
