/**
 * Notifications and Kubernetes Events follow from a phase change the hook is about to record,
 * once each: keyed by the request's uid and the new phase, so a retried sync is recognisable.
 */

import { createHash } from "node:crypto";
import type { Phase, UpdateRequest, UpdateRequestStatus } from "../../core/updaterequests/update-request.ts";
import type { Effect } from "../effects/effect.ts";
import type { Notification, NotificationEvent } from "../notify/notification.ts";
import { gitopsConditionType } from "./gitops-gate.ts";

const notifyOn: Partial<Record<Phase, NotificationEvent[]>> = {
  Pending: ["update_request_created"],
  Completed: ["update_completed"],
  Failed: ["update_failed"],
  RolledBack: ["rollback_triggered", "rollback_completed"],
};

function notificationsOf(
  ur: UpdateRequest,
  before: UpdateRequestStatus,
  after: UpdateRequestStatus,
): NotificationEvent[] {
  const phase = after.phase;
  if (phase === "Rejected" && before.rejectedAt === undefined && after.rejectedAt !== undefined)
    return ["update_rejected"];
  if (phase === undefined || phase === before.phase) return [];
  if (phase === "Applying" && ur.spec.approval === "Required") return ["update_approved"];
  if (phase === "Failed" && after.message?.startsWith("rollback refused"))
    return ["rollback_triggered", "rollback_failed"];
  return notifyOn[phase] ?? [];
}

function notification(
  ur: UpdateRequest,
  event: NotificationEvent,
  status: UpdateRequestStatus,
): Notification {
  const { spec } = ur;
  return {
    event,
    target: spec.targetRef,
    container: spec.containerName,
    currentImage: event.startsWith("rollback") ? spec.newImage : spec.currentImage,
    newImage: event.startsWith("rollback") ? spec.currentImage : spec.newImage,
    policy: spec.policy,
    updateRequestName: ur.metadata.name,
    requiresApproval: spec.approval === "Required",
    ...(status.approvedBy ? { approvedBy: status.approvedBy } : {}),
    ...(event === "update_rejected" ? { rejectionReason: status.reason ?? "No reason provided" } : {}),
    ...(event === "update_failed" || event === "rollback_failed" || event === "rollback_triggered"
      ? { errorMessage: status.message ?? "" }
      : {}),
  };
}

const warnings: readonly (Phase | undefined)[] = ["Failed", "RolledBack", "Expired"];

function events(ur: UpdateRequest, after: UpdateRequestStatus, key: string): Effect[] {
  const { spec, metadata } = ur;
  const eventType = warnings.includes(after.phase) ? "Warning" : "Normal";
  const reason = `Update${after.phase ?? "Changed"}`;
  const message = `${spec.containerName}: ${spec.currentImage} -> ${spec.newImage}: ${after.phase}${after.message ? ` (${after.message})` : ""}`;
  const onUr: Effect = {
    type: "event",
    key: `${key}/ur`,
    regarding: {
      apiVersion: ur.apiVersion,
      kind: ur.kind,
      name: metadata.name,
      namespace: metadata.namespace ?? "",
      uid: metadata.uid,
    },
    eventType,
    reason,
    message,
  };
  const onTarget: Effect = { ...onUr, key: `${key}/target`, regarding: spec.targetRef };
  return [onUr, onTarget];
}

/** Once per request and message: which GitOps tool applies the target, and what to change in Git. */
function gitopsEvents(ur: UpdateRequest, before: UpdateRequestStatus, after: UpdateRequestStatus): Effect[] {
  const condition = after.conditions?.find((c) => c.type === gitopsConditionType && c.status === "True");
  const previous = before.conditions?.find((c) => c.type === gitopsConditionType && c.status === "True");
  if (condition === undefined || condition.message === previous?.message) return [];
  const digest = createHash("sha256").update(condition.message).digest("hex").slice(0, 12);
  const key = `${ur.metadata.uid ?? ur.metadata.name}/gitops/${digest}`;
  const { metadata, spec } = ur;
  const onUr: Effect = {
    type: "event",
    key: `${key}/ur`,
    regarding: {
      apiVersion: ur.apiVersion,
      kind: ur.kind,
      name: metadata.name,
      namespace: metadata.namespace ?? "",
      uid: metadata.uid,
    },
    eventType: "Normal",
    reason: gitopsConditionType,
    message: condition.message,
  };
  return [onUr, { ...onUr, key: `${key}/target`, regarding: spec.targetRef }];
}

export function transitionEffects(ur: UpdateRequest, after: UpdateRequestStatus | null): Effect[] {
  if (after === null) return [];
  const before = ur.status ?? {};
  const notes = notificationsOf(ur, before, after);
  const changed = after.phase !== before.phase || notes.length > 0;
  if (!changed) return gitopsEvents(ur, before, after);
  const key = `${ur.metadata.uid ?? ur.metadata.name}/${after.phase}`;
  return [
    ...gitopsEvents(ur, before, after),
    ...events(ur, after, key),
    ...notes.map(
      (event): Effect => ({
        type: "notify",
        key: `${key}/${event}`,
        notification: notification(ur, event, after),
      }),
    ),
  ];
}
