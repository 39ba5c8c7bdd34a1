/**
 * The hook request rebuilt from what the apiserver says now. Metacontroller's body is a cached view
 * and, to anyone who can reach the hooks, free text: whenever a sync would write or act, the
 * UpdateRequest and its target are read live and the decision is made again from them (only the
 * Pods, which the hooks may not read, still come from the body).
 */
import type { KubeObject } from "../../core/kube-object.ts";
import type { UpdateRequest } from "../../core/updaterequests/update-request.ts";
import { findTargetKind } from "../../core/workloads/workload-kinds.ts";
import type { RefusalReason } from "../effects/effect.ts";
import { type DecoratorSyncRequest, groupKey } from "../metacontroller/wire.ts";

export interface Refusal {
  readonly reason: RefusalReason;
  readonly message: string;
}

/** Why the body's UpdateRequest is not the live one, or undefined when it is. */
export function liveRefusal(hinted: KubeObject, live: UpdateRequest | undefined): Refusal | undefined {
  const named = `UpdateRequest ${hinted.metadata.namespace}/${hinted.metadata.name}`;
  if (live === undefined) return { reason: "no-update-request", message: `${named} does not exist` };
  if (live.metadata.uid !== hinted.metadata.uid)
    return { reason: "uid-mismatch", message: `${named} is another object than the one in the request` };
  return undefined;
}

/** The request with the live UpdateRequest as its object and the live target (or none) as related. */
export function withLiveObjects(
  request: DecoratorSyncRequest,
  ur: UpdateRequest,
  target: KubeObject | undefined,
): DecoratorSyncRequest {
  const ref = ur.spec.targetRef;
  const kind = findTargetKind(ref.kind, ref.apiVersion);
  if (kind === undefined) return { ...request, object: ur };
  const key = groupKey(kind.kind, kind.apiVersion);
  const members = target === undefined ? {} : { [`${ref.namespace}/${ref.name}`]: target };
  return { ...request, object: ur, related: { ...request.related, [key]: members } };
}
