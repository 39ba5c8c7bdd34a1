/**
 * Notifications and Kubernetes Events follow from a phase change the hook is about to record,
 * once each: keyed by the request's uid and the new phase, so a retried sync is recognisable.
 */

import type { Phase, UpdateRequest, UpdateRequestStatus } from "../../core/updaterequests/update-request.ts";
import type { Effect } from "../effects/effect.ts";
import type { Notification, NotificationEvent } from "../notify/notification.ts";

const notifyOn: Partial<Record<Phase, NotificationEvent[]>> = {
  Pending: ["update_request_created"],
  Completed: ["update_completed"],
  Failed: ["update_failed"],
  RolledBack: ["rollback_triggered", "rollback_completed"],
};

/** A person's rollback speaks of rollbacks where an update speaks of updates. */
const rollbackNotifyOn: Partial<Record<Phase, NotificationEvent[]>> = {
  Pending: ["update_request_created"],
  Applying: ["rollback_triggered"],
  Completed: ["rollback_completed"],
  Failed: ["rollback_failed"],
};

const isRollback = (ur: UpdateRequest) => ur.spec.type === "rollback";

function notificationsOf(
  ur: UpdateRequest,
  before: UpdateRequestStatus,
  after: UpdateRequestStatus,
): NotificationEvent[] {
  const phase = after.phase;
  if (phase === "Rejected" && before.rejectedAt === undefined && after.rejectedAt !== undefined)
    return ["update_rejected"];
  if (phase === undefined || phase === before.phase) return [];
  const approved: NotificationEvent[] =
    phase === "Applying" && ur.spec.approval === "Required" ? ["update_approved"] : [];
  if (isRollback(ur)) return [...approved, ...(rollbackNotifyOn[phase] ?? [])];
  if (approved.length > 0) return approved;
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
  // An automatic rollback of an update goes from its new image back to its current one.
  const reverse = event.startsWith("rollback") && !isRollback(ur);
  return {
    event,
    target: spec.targetRef,
    container: spec.containerName,
    currentImage: reverse ? spec.newImage : spec.currentImage,
    newImage: reverse ? spec.currentImage : spec.newImage,
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
  const reason = `${isRollback(ur) ? "Rollback" : "Update"}${after.phase ?? "Changed"}`;
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

export function transitionEffects(ur: UpdateRequest, after: UpdateRequestStatus | null): Effect[] {
  if (after === null) return [];
  const before = ur.status ?? {};
  const notes = notificationsOf(ur, before, after);
  const changed = after.phase !== before.phase || notes.length > 0;
  if (!changed) return [];
  const key = `${ur.metadata.uid ?? ur.metadata.name}/${after.phase}`;
  return [
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
