/**
 * What follows from a status the hook is about to write: Kubernetes Events for a phase change, and
 * the notifications of the transition, each claimed in the status itself (`notified`, as
 * `Phase/event`). The claim is written together with the phase and before anything is sent, so a
 * retry, a restart or another replica finds the phase already moved and the notification already
 * claimed: each goes out at most once per (request, phase), never twice.
 */

import { createHash } from "node:crypto";
import type { Phase, UpdateRequest, UpdateRequestStatus } from "../../core/updaterequests/update-request.ts";
import type { Effect } from "../effects/effect.ts";
import type { Notification, NotificationEvent } from "../notify/notification.ts";
import { gitopsConditionType } from "./gitops-gate.ts";

export interface TransitionPlan {
  /** The status to write: the new one with its notifications claimed. */
  readonly status: UpdateRequestStatus;
  /** Events and notifications to send once that status is written. */
  readonly effects: Effect[];
}

const notifyOn: Partial<Record<Phase, NotificationEvent[]>> = {
  Pending: ["update_request_created"],
  Completed: ["update_completed"],
  RollingBack: ["rollback_triggered"],
  RolledBack: ["rollback_completed"],
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
  // A person wrote Rejected; the hook acknowledges it once, by stamping rejectedAt.
  if (phase === "Rejected" && before.rejectedAt === undefined && after.rejectedAt !== undefined)
    return ["update_rejected"];
  if (phase === undefined || phase === before.phase) return [];
  const approved: NotificationEvent[] =
    phase === "Applying" && ur.spec.approval === "Required" ? ["update_approved"] : [];
  if (isRollback(ur)) return [...approved, ...(rollbackNotifyOn[phase] ?? [])];
  if (approved.length > 0) return approved;
  if (phase === "Failed") return [before.phase === "RollingBack" ? "rollback_failed" : "update_failed"];
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

/**
 * Steps written just before an effect (the image patch, the rollback patch). The phase after them
 * is always written too (Progressing, RolledBack or Failed) and carries the Event, so Events for
 * these would only double every update's Events, two API writes each.
 */
const stepsBeforeAnEffect: readonly (Phase | undefined)[] = ["Applying", "RollingBack"];

/** The same Event on the request and on its target, keyed apart. */
function eventPair(
  ur: UpdateRequest,
  key: string,
  eventType: "Normal" | "Warning",
  reason: string,
  message: string,
): Effect[] {
  const { spec, metadata } = ur;
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
  return [onUr, { ...onUr, key: `${key}/target`, regarding: spec.targetRef }];
}

function events(ur: UpdateRequest, after: UpdateRequestStatus, key: string): Effect[] {
  const { spec } = ur;
  const eventType = warnings.includes(after.phase) ? "Warning" : "Normal";
  const message = `${spec.containerName}: ${spec.currentImage} -> ${spec.newImage}: ${after.phase}${after.message ? ` (${after.message})` : ""}`;
  const reason = `${isRollback(ur) ? "Rollback" : "Update"}${after.phase ?? "Changed"}`;
  return eventPair(ur, key, eventType, reason, message);
}

/** Once per request and message: which GitOps tool applies the target, and what to change in Git. */
function gitopsEvents(ur: UpdateRequest, before: UpdateRequestStatus, after: UpdateRequestStatus): Effect[] {
  const condition = after.conditions?.find((c) => c.type === gitopsConditionType && c.status === "True");
  const previous = before.conditions?.find((c) => c.type === gitopsConditionType && c.status === "True");
  if (condition === undefined || condition.message === previous?.message) return [];
  const digest = createHash("sha256").update(condition.message).digest("hex").slice(0, 12);
  const key = `${ur.metadata.uid ?? ur.metadata.name}/gitops/${digest}`;
  return eventPair(ur, key, "Normal", gitopsConditionType, condition.message);
}

/** `ur` is the request as read, `after` the status about to replace its own. */
export function planTransition(ur: UpdateRequest, after: UpdateRequestStatus): TransitionPlan {
  const before = ur.status ?? {};
  const claimed = new Set(before.notified ?? []);
  const fresh = notificationsOf(ur, before, after).filter((e) => !claimed.has(`${after.phase}/${e}`));
  const key = `${ur.metadata.uid ?? ur.metadata.name}/${after.phase}`;
  const status =
    fresh.length === 0
      ? after
      : { ...after, notified: [...claimed, ...fresh.map((e) => `${after.phase}/${e}`)] };
  const notes = fresh.map(
    (event): Effect => ({
      type: "notify",
      key: `${key}/${event}`,
      notification: notification(ur, event, after),
    }),
  );
  const announced =
    (after.phase !== before.phase || fresh.length > 0) && !stepsBeforeAnEffect.includes(after.phase);
  return {
    status,
    effects: [...gitopsEvents(ur, before, after), ...(announced ? events(ur, after, key) : []), ...notes],
  };
}
