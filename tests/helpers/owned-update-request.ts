/**
 * An UpdateRequest as Metacontroller makes it (created with a controller owner reference to its
 * workload) and Headwind moves it (its status written by the hooks ServiceAccount), plus the image
 * patch effect the UpdateRequests hook would ask for in that phase: what the executor must find
 * live before it patches anything.
 */
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import type { Phase } from "../../src/core/updaterequests/update-request.ts";
import type { ContainerType } from "../../src/core/workloads/container-images.ts";
import type { Effect, PatchStep } from "../../src/hooks-server/effects/effect.ts";
import { applyObjects, kubeRequest } from "./cluster.ts";

export interface OwnedRequest {
  readonly target: KubernetesObject & { metadata: { name: string; namespace: string; uid: string } };
  readonly name: string;
  readonly container?: string;
  readonly containerType?: ContainerType;
  readonly currentImage: string;
  readonly newImage: string;
  readonly phase: Phase;
  /** More of the status Headwind would have written with the phase. */
  readonly status?: Record<string, unknown>;
}

/** Creates the request (as admin, like Metacontroller) in `phase` (as the hooks); returns the effect for `step`. */
export async function ownedUpdateRequest(
  kc: KubeConfig,
  asHooks: KubeConfig,
  request: OwnedRequest,
  step: PatchStep = request.phase === "RollingBack" ? "rollback" : "apply",
): Promise<Extract<Effect, { type: "patchImage" }>> {
  const { target, name } = request;
  const { namespace } = target.metadata;
  const containerType = request.containerType ?? "containers";
  const container = request.container ?? (containerType === "containers" ? "app" : "init");
  const targetRef = {
    apiVersion: target.apiVersion ?? "",
    kind: target.kind ?? "",
    name: target.metadata.name,
    namespace,
  };
  const [created] = (await applyObjects(kc, [
    {
      apiVersion: "headwind.sh/v1alpha1",
      kind: "UpdateRequest",
      metadata: {
        name,
        namespace,
        ownerReferences: [
          {
            apiVersion: targetRef.apiVersion,
            kind: targetRef.kind,
            name: targetRef.name,
            uid: target.metadata.uid,
            controller: true,
          },
        ],
      },
      spec: {
        targetRef,
        containerName: container,
        containerType,
        currentImage: request.currentImage,
        newImage: request.newImage,
        policy: "minor",
        approval: "Required",
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    } as KubernetesObject,
  ])) as (KubernetesObject & { metadata: { uid: string } })[];
  await kubeRequest(
    asHooks,
    "PATCH",
    `/apis/headwind.sh/v1alpha1/namespaces/${namespace}/updaterequests/${name}/status`,
    { status: { ...request.status, phase: request.phase } },
    "application/merge-patch+json",
  );
  const [from, to] =
    step === "apply" ? [request.currentImage, request.newImage] : [request.newImage, request.currentImage];
  return {
    type: "patchImage",
    key: `${name}/${step}`,
    step,
    updateRequest: { namespace, name, uid: created?.metadata.uid ?? "" },
    target: targetRef,
    containerType,
    container,
    from,
    to,
  };
}
