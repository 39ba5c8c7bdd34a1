/**
 * The few Kubernetes API calls the hooks server makes, behind one small interface so the
 * executor's logic never sees the client library. The implementation uses @kubernetes/client-node
 * 1.x (2.x needs Node 22) with a kubeconfig or the in-cluster ServiceAccount.
 */
import {
  CustomObjectsApi,
  EventsV1Api,
  type EventsV1Event,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import type { KubeObject } from "../../core/kube-object.ts";
import type { JsonPatchOp } from "../../core/workloads/image-patch.ts";
import { findTargetKind } from "../../core/workloads/workload-kinds.ts";

export interface ObjectKey {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export interface KubeGateway {
  get(key: ObjectKey): Promise<KubeObject>;
  jsonPatch(key: ObjectKey, ops: readonly JsonPatchOp[]): Promise<KubeObject>;
  createEvent(namespace: string, event: EventsV1Event): Promise<void>;
}

/** The HTTP status of a failed API call, when it is one. */
export function apiStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "number" ? code : undefined;
}

function pathOf(key: ObjectKey) {
  const kind = findTargetKind(key.kind, key.apiVersion);
  if (kind === undefined) throw new Error(`no API path known for ${key.apiVersion} ${key.kind}`);
  const [group = "", version = ""] = key.apiVersion.split("/");
  return { group, version, namespace: key.namespace, plural: kind.resource, name: key.name };
}

export function createKubeGateway(config: KubeConfig): KubeGateway {
  const objects = config.makeApiClient(CustomObjectsApi);
  const events = config.makeApiClient(EventsV1Api);
  return {
    async get(key) {
      return (await objects.getNamespacedCustomObject(pathOf(key))) as KubeObject;
    },
    async jsonPatch(key, ops) {
      const options = setHeaderOptions("Content-Type", PatchStrategy.JsonPatch);
      return (await objects.patchNamespacedCustomObject(
        { ...pathOf(key), body: ops, fieldManager: "headwind" },
        options,
      )) as KubeObject;
    },
    async createEvent(namespace, event) {
      await events.createNamespacedEvent({ namespace, body: event });
    },
  };
}
