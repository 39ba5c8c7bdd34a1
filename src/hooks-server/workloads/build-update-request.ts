/**
 * UpdateRequest attachments, built from scratch with exact apiVersion and kind (Metacontroller
 * groups attachments by them). Existing requests are rebuilt from their own spec, so returning
 * them again changes nothing unless the workloads hook marks one superseded.
 */

import type { WorkloadConfig } from "../../core/annotations/parse-annotations.ts";
import {
  type TargetRef,
  type UpdateRequest,
  type UpdateRequestSpec,
  updateRequestLabels,
  updateRequestName,
  urApiVersion,
  urKind,
} from "../../core/updaterequests/update-request.ts";
import type { ContainerImage } from "../../core/workloads/container-images.ts";
import type { HookSettings } from "../config/hook-settings.ts";

export interface NewUpdateRequest {
  readonly target: TargetRef;
  readonly container: ContainerImage;
  readonly newImage: string;
  readonly attempt: number;
  readonly config: WorkloadConfig;
  readonly now: number;
  readonly settings: HookSettings;
  readonly selector: Record<string, string> | undefined;
}

function shell(name: string, spec: UpdateRequestSpec): UpdateRequest {
  return {
    apiVersion: urApiVersion,
    kind: urKind,
    metadata: { name, namespace: spec.targetRef.namespace, labels: updateRequestLabels(spec.targetRef) },
    spec,
  };
}

export function buildUpdateRequest(input: NewUpdateRequest): UpdateRequest {
  const { target, container, newImage, config } = input;
  const spec: UpdateRequestSpec = {
    targetRef: target,
    containerName: container.name,
    containerType: container.containerType,
    updateType: container.containerType === "chart" ? "chart" : "image",
    type: "update",
    currentImage: container.image,
    newImage,
    policy: config.spec.policy,
    reason: `${config.spec.policy} policy allows ${container.image} -> ${newImage}`,
    approval: config.requireApproval ? "Required" : "Automatic",
    expiresAt: new Date(input.now + input.settings.approvalTtlSeconds * 1000).toISOString(),
    ...(input.selector ? { selector: input.selector } : {}),
    autoRollback: config.autoRollback,
    rollbackTimeoutSeconds: config.rollbackTimeoutSeconds,
    healthCheckRetries: config.healthCheckRetries,
  };
  return shell(updateRequestName(target, container.name, newImage, input.attempt), spec);
}

export function rebuildUpdateRequest(
  observed: UpdateRequest,
  supersededBy: string | undefined,
): UpdateRequest {
  const spec = supersededBy === undefined ? observed.spec : { ...observed.spec, supersededBy };
  return shell(observed.metadata.name, spec);
}
