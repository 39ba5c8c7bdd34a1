/**
 * The Kubernetes API calls the hooks' effect path makes, over the one transport in src/kube, so
 * the executor's logic never sees HTTP. Every call takes the signal of the effect step's time
 * budget. Failures are KubeApiError (status 0 when the apiserver never answered); a missing
 * object is `undefined` where the caller has to tell "gone" from "failed".
 */
import type { KubeObject } from "../../core/kube-object.ts";
import type {
  TargetRef,
  UpdateRequest,
  UpdateRequestStatus,
} from "../../core/updaterequests/update-request.ts";
import type { JsonPatchOp } from "../../core/workloads/image-patch.ts";
import { findTargetKind } from "../../core/workloads/workload-kinds.ts";
import type { KubeTransport } from "../../kube/create-kube-transport.ts";
import { kubeStatus } from "../../kube/kube-api-error.ts";

/** An events.k8s.io/v1 Event, as sent. */
export interface EventBody {
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly [field: string]: unknown;
}

export interface KubeGateway {
  getWorkload(ref: TargetRef, signal?: AbortSignal): Promise<KubeObject | undefined>;
  patchWorkload(ref: TargetRef, ops: readonly JsonPatchOp[], signal?: AbortSignal): Promise<KubeObject>;
  getUpdateRequest(namespace: string, name: string, signal?: AbortSignal): Promise<UpdateRequest | undefined>;
  /**
   * A JSON merge patch of the status subresource, conditional on the resourceVersion of `ur` (409
   * when anyone wrote since): `status` replaces the status read in `ur`, fields it drops included.
   */
  writeUpdateRequestStatus(
    ur: UpdateRequest,
    status: UpdateRequestStatus,
    signal?: AbortSignal,
  ): Promise<UpdateRequest>;
  createEvent(event: EventBody, signal?: AbortSignal): Promise<void>;
}

const urBase = "/apis/headwind.sh/v1alpha1/namespaces";

function workloadPath(ref: TargetRef): string {
  const kind = findTargetKind(ref.kind, ref.apiVersion);
  if (kind === undefined) throw new Error(`no API path known for ${ref.apiVersion} ${ref.kind}`);
  const at = `${encodeURIComponent(ref.namespace)}/${kind.resource}/${encodeURIComponent(ref.name)}`;
  return `/apis/${kind.apiVersion}/namespaces/${at}`;
}

function urPath(namespace: string, name: string): string {
  return `${urBase}/${encodeURIComponent(namespace)}/updaterequests/${encodeURIComponent(name)}`;
}

async function orMissing<T>(read: Promise<unknown>): Promise<T | undefined> {
  try {
    return (await read) as T;
  } catch (error) {
    if (kubeStatus(error) === 404) return undefined;
    throw error;
  }
}

/** Merge-patch semantics: a field the new status leaves out must be sent as null to be removed. */
export function statusPatch(
  before: UpdateRequestStatus,
  after: UpdateRequestStatus,
): Record<string, unknown> {
  const removed = Object.keys(before).filter((key) => !(key in after));
  return { ...Object.fromEntries(removed.map((key) => [key, null])), ...after };
}

export function createKubeGateway(send: KubeTransport): KubeGateway {
  return {
    async getWorkload(ref, signal) {
      return orMissing<KubeObject>(send({ method: "GET", path: workloadPath(ref), signal }));
    },
    async patchWorkload(ref, ops, signal) {
      return (await send({
        method: "PATCH",
        path: `${workloadPath(ref)}?fieldManager=headwind`,
        body: ops,
        contentType: "application/json-patch+json",
        signal,
      })) as KubeObject;
    },
    getUpdateRequest: (namespace, name, signal) =>
      orMissing<UpdateRequest>(send({ method: "GET", path: urPath(namespace, name), signal })),
    async writeUpdateRequestStatus(ur, status, signal) {
      const { namespace = "", name, resourceVersion } = ur.metadata;
      return (await send({
        method: "PATCH",
        path: `${urPath(namespace, name)}/status?fieldManager=headwind`,
        body: { metadata: { resourceVersion }, status: statusPatch(ur.status ?? {}, status) },
        contentType: "application/merge-patch+json",
        signal,
      })) as UpdateRequest;
    },
    async createEvent(event, signal) {
      const namespace = encodeURIComponent(event.metadata.namespace);
      await send({
        method: "POST",
        path: `/apis/events.k8s.io/v1/namespaces/${namespace}/events`,
        body: event,
        signal,
      });
    },
  };
}
