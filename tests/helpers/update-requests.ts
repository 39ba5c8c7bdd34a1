/** Builders for UpdateRequest hook requests: a UR, its target Deployment and Pods. */
import type { KubeObject } from "../../src/core/kube-object.ts";
import type {
  Phase,
  UpdateRequest,
  UpdateRequestSpec,
  UpdateRequestStatus,
} from "../../src/core/updaterequests/update-request.ts";
import type { PatchEffect } from "../../src/hooks-server/effects/check-patch-authority.ts";
import type { DecoratorSyncRequest } from "../../src/hooks-server/metacontroller/wire.ts";

export function anUpdateRequest(
  status?: UpdateRequestStatus,
  spec: Partial<UpdateRequestSpec> = {},
): UpdateRequest {
  return {
    apiVersion: "headwind.sh/v1alpha1",
    kind: "UpdateRequest",
    metadata: {
      name: "web-nginx-0b80d67fed",
      namespace: "shop",
      uid: "ur-1",
      creationTimestamp: "2026-11-25T10:00:00Z",
      // What Metacontroller stamps on an attachment of the Deployment aDeployment() builds.
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: "d-1", controller: true },
      ],
    },
    spec: {
      targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop" },
      containerName: "nginx",
      containerType: "containers",
      updateType: "image",
      type: "update",
      currentImage: "nginx:1.25.3",
      newImage: "nginx:1.27.0",
      policy: "minor",
      reason: "minor policy allows nginx:1.25.3 -> nginx:1.27.0",
      approval: "Required",
      expiresAt: "2026-11-26T10:00:00.000Z",
      selector: { app: "web" },
      autoRollback: false,
      rollbackTimeoutSeconds: 300,
      healthCheckRetries: 1,
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}

/** anUpdateRequest of aHelmRelease's chart version, 6.5.0 -> 6.6.0 (not yet owned by the release). */
export function aChartUpdateRequest(
  status?: UpdateRequestStatus,
  spec: Partial<UpdateRequestSpec> = {},
): UpdateRequest {
  return anUpdateRequest(status, {
    targetRef: {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      name: "web",
      namespace: "shop",
    },
    containerName: "podinfo",
    containerType: "chart",
    updateType: "chart",
    currentImage: "6.5.0",
    newImage: "6.6.0",
    selector: undefined,
    ...spec,
  });
}

/** aDeployment, opted in to Headwind with `headwind.sh/policy`. */
export function anOptedInDeployment(image: string, policy = "minor"): KubeObject {
  const d = aDeployment(image);
  return { ...d, metadata: { ...d.metadata, annotations: { "headwind.sh/policy": policy } } };
}

/** The image patch the UpdateRequests hook asks for when anUpdateRequest() is Applying. */
export function anApplyPatch(): PatchEffect {
  return {
    type: "patchImage",
    key: "ur-1/apply",
    step: "apply",
    updateRequest: { namespace: "shop", name: "web-nginx-0b80d67fed", uid: "ur-1" },
    target: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "shop" },
    containerType: "containers",
    container: "nginx",
    from: "nginx:1.25.3",
    to: "nginx:1.27.0",
  };
}

export function aDeployment(image: string, status: Record<string, unknown> = {}, generation = 4): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop", uid: "d-1", generation },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image }] } },
    },
    status,
  };
}

export function aPod(name: string, image: string, waiting?: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "shop", labels: { app: "web" } },
    spec: { containers: [{ name: "nginx", image }] },
    status: {
      containerStatuses: [
        { name: "nginx", image, ...(waiting ? { state: { waiting: { reason: waiting } } } : {}) },
      ],
    },
  };
}

export function urRequest(
  ur: UpdateRequest,
  target?: KubeObject,
  pods: KubeObject[] = [],
): DecoratorSyncRequest {
  return {
    object: ur,
    attachments: {},
    related: {
      "Deployment.apps/v1": target ? { "shop/web": target } : {},
      "Pod.v1": Object.fromEntries(pods.map((p) => [`shop/${p.metadata.name}`, p])),
    },
    finalizing: false,
  };
}

/** The i-th finished request of a container (nginx:1.0.i -> nginx:1.0.i+1), finished i minutes into 2026. */
export function aFinishedRequest(
  i: number,
  phase: Phase,
  container = "nginx",
  spec: Partial<UpdateRequestSpec> = {},
): UpdateRequest {
  const ur = anUpdateRequest(
    { phase, completedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), approvedBy: "alice" },
    { containerName: container, currentImage: `nginx:1.0.${i}`, newImage: `nginx:1.0.${i + 1}`, ...spec },
  );
  return {
    ...ur,
    metadata: { ...ur.metadata, name: `ur-${container}-${i}`, creationTimestamp: ur.status?.completedAt },
  };
}

/** A request with a name and creation time of its own (for ordering). */
export function aNamedRequest(name: string, created: string, status?: UpdateRequestStatus): UpdateRequest {
  const ur = anUpdateRequest(status);
  return { ...ur, metadata: { ...ur.metadata, name, creationTimestamp: created } };
}
