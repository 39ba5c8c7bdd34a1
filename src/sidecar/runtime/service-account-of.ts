/**
 * The ServiceAccount a workload's Pods run as, whose `imagePullSecrets` the kubelet adds to the
 * Pod's own: the sidecar GETs it so it can poll with the same credentials the kubelet pulls with.
 */
import type { KubeObject } from "../../core/kube-object.ts";
import { podSpecOf } from "../../core/workloads/container-images.ts";

export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/** `namespace/name`, the key of the ServiceAccount map `buildInterest` reads. */
export const serviceAccountKey = (ref: ServiceAccountRef): string => `${ref.namespace}/${ref.name}`;

/** `serviceAccountName`, the deprecated `serviceAccount`, else `default` — as the API server defaults it. */
export function serviceAccountOf(workload: KubeObject): ServiceAccountRef | undefined {
  const namespace = workload.metadata.namespace;
  if (namespace === undefined) return undefined;
  const spec = podSpecOf(workload);
  const named = spec?.serviceAccountName ?? spec?.serviceAccount;
  return { namespace, name: typeof named === "string" && named !== "" ? named : "default" };
}
