/**
 * The UpdateRequests sync hook: the state machine of docs/design/architecture.md, a pure function of
 * the request and the time. It returns `status: null` whenever nothing changes, so nothing is
 * written and a person's concurrent `kubectl patch --subresource=status` approval is never
 * overwritten. Image changes come back as patch effects for the executor.
 */

import { describeOwner } from "../../core/gitops/gitops-owner.ts";
import type { KubeObject } from "../../core/kube-object.ts";
import { isTerminal } from "../../core/updaterequests/phase-transitions.ts";
import { untrustedReason } from "../../core/updaterequests/trust-update-request.ts";
import {
  type Phase,
  phaseOf,
  type UpdateRequest,
  type UpdateRequestStatus,
} from "../../core/updaterequests/update-request.ts";
import { containerImages } from "../../core/workloads/container-images.ts";
import { findTargetKind } from "../../core/workloads/workload-kinds.ts";
import type { HookSettings } from "../config/hook-settings.ts";
import type { Effect, PatchStep } from "../effects/effect.ts";
import { HookInputError } from "../metacontroller/hook-input-error.ts";
import { type DecoratorSyncRequest, objectsOf } from "../metacontroller/wire.ts";
import { type GitOpsView, gitopsView, withGitOpsCondition } from "./gitops-gate.ts";
import { rollbackRefusal } from "./rollback-guard.ts";
import { rolloutHealth } from "./rollout-health.ts";
import { windowGate } from "./window-gate.ts";

export interface UpdateRequestDecision {
  status: UpdateRequestStatus | null;
  effects: Effect[];
  resyncAfterSeconds?: number;
}

/** How far apart two failed Pod checks must be to count twice. */
export const watchSeconds = 10;

interface Ctx {
  readonly ur: UpdateRequest;
  readonly status: UpdateRequestStatus;
  readonly target: KubeObject | undefined;
  readonly pods: readonly KubeObject[];
  readonly now: number;
  readonly settings: SyncSettings;
  /** Set when Flux or Argo CD applies the target. */
  readonly gitops: GitOpsView | undefined;
}

/** The install-wide settings this hook reads: update windows and how Argo CD tracks objects. */
export type SyncSettings = Pick<HookSettings, "updateWindows" | "argoTracking">;

const iso = (ms: number) => new Date(ms).toISOString();
const same = (): UpdateRequestDecision => ({ status: null, effects: [] });

function liveImage(ctx: Ctx): string | undefined {
  if (ctx.target === undefined) return undefined;
  const { containerName, containerType } = ctx.ur.spec;
  return containerImages(ctx.target).find(
    (c) => c.name === containerName && c.containerType === containerType,
  )?.image;
}

function to(ctx: Ctx, changes: UpdateRequestStatus, resyncAfterSeconds?: number): UpdateRequestDecision {
  const status = { ...ctx.status, ...changes };
  return { status, effects: [], ...(resyncAfterSeconds ? { resyncAfterSeconds } : {}) };
}

function patch(ctx: Ctx, step: PatchStep): Effect {
  const { spec, metadata } = ctx.ur;
  const [from, to] =
    step === "apply" ? [spec.currentImage, spec.newImage] : [spec.newImage, spec.currentImage];
  return {
    type: "patchImage",
    key: `${metadata.uid ?? metadata.name}/${step}`,
    step,
    updateRequest: { namespace: metadata.namespace ?? "", name: metadata.name, uid: metadata.uid ?? "" },
    target: spec.targetRef,
    containerType: spec.containerType,
    container: spec.containerName,
    from,
    to,
  };
}

/** Stays Approved, saying why; the same wait is not written twice. */
function waitApproved(
  ctx: Ctx,
  approval: UpdateRequestStatus,
  wait: { message: string; waitingUntil?: string | undefined; resyncAfterSeconds?: number },
): UpdateRequestDecision {
  const { message, waitingUntil, resyncAfterSeconds } = wait;
  const unchanged =
    ctx.status.phase === "Approved" &&
    ctx.status.approvedAt !== undefined &&
    ctx.status.waitingUntil === waitingUntil &&
    ctx.status.message === message;
  if (unchanged) return { status: null, effects: [], ...(resyncAfterSeconds ? { resyncAfterSeconds } : {}) };
  return to(ctx, { ...approval, phase: "Approved", waitingUntil, message }, resyncAfterSeconds);
}

/**
 * Approved: Applying, unless a GitOps tool applies the target (nothing is patched; the change is
 * made in Git, and once the target runs the new image the request goes on as applied) or, for an
 * update, no update window is open (it wakes up as one opens).
 */
function applyWhenAllowed(ctx: Ctx, approval: UpdateRequestStatus, message?: string): UpdateRequestDecision {
  const { gitops } = ctx;
  if (gitops !== undefined && !gitops.patch && liveImage(ctx) !== ctx.ur.spec.newImage) {
    const owner = describeOwner(gitops.owner);
    return waitApproved(ctx, approval, {
      message: `approved; not patched: ${owner} applies the target, change it in Git`,
    });
  }
  // Windows pace updates; a person's rollback is a repair and goes at once.
  const gate =
    ctx.ur.spec.type === "rollback"
      ? { open: true as const }
      : windowGate(ctx.target, ctx.settings.updateWindows ?? [], ctx.now);
  if (gate.open) return to(ctx, { ...approval, phase: "Applying", waitingUntil: undefined, message });
  return waitApproved(ctx, approval, gate);
}

/**
 * An update that needs no approval is applied in its first sync when nothing holds it (a GitOps
 * owner, a closed update window): nobody can approve, reject or otherwise race it (admission lets
 * people create only rollbacks; only the workloads hook proposes updates), so writing Applying first
 * would only cost a status write and a sync per update. Progressing is written after the patch; if
 * that answer is lost, the next sync finds the image already changed and the repeat is a no-op.
 * A person's automatic rollback still writes Applying first: that step announces it
 * (rollback_triggered), and rollbacks are rare.
 */
function onNew(ctx: Ctx): UpdateRequestDecision {
  const { spec } = ctx.ur;
  if (spec.approval === "Automatic") {
    // Admission admitted an automatic rollback only from someone who may patch the workload.
    const approvedBy =
      spec.type === "rollback" ? (spec.requestedBy ?? "unknown") : "headwind (require-approval: false)";
    const approval = { approvedBy, approvedAt: iso(ctx.now) };
    const next = applyWhenAllowed(ctx, approval);
    if (spec.type === "rollback" || next.status?.phase !== "Applying") return next;
    return onApplying({ ...ctx, status: approval });
  }
  return onPending(
    { ...ctx, status: { phase: "Pending", message: `waiting for approval until ${ctx.ur.spec.expiresAt}` } },
    true,
  );
}

function onPending(ctx: Ctx, isNew = false): UpdateRequestDecision {
  const { spec } = ctx.ur;
  if (spec.supersededBy)
    return to(ctx, { phase: "Superseded", message: `superseded by ${spec.supersededBy}` });
  const expires = Date.parse(spec.expiresAt);
  if (!(expires > ctx.now)) return to(ctx, { phase: "Expired", message: "nobody approved it in time" });
  const live = liveImage(ctx);
  if (ctx.gitops !== undefined && live === spec.newImage) {
    const message = `${spec.newImage} arrived through ${describeOwner(ctx.gitops.owner)}`;
    return to(ctx, { phase: "Completed", completedAt: iso(ctx.now), message });
  }
  if (ctx.target !== undefined && live !== spec.currentImage) {
    return to(ctx, {
      phase: "Superseded",
      message: `${spec.targetRef.kind} now runs ${live ?? "no such container"}`,
    });
  }
  const wait = Math.ceil((expires - ctx.now) / 1000);
  return isNew ? to(ctx, {}, wait) : { status: null, effects: [], resyncAfterSeconds: wait };
}

/**
 * Only the approval API stamps approvedAt (people may not write it: manifests/admission), so it is
 * when the approval was given. A kubectl approval carries no time: seen only after expiry, it came
 * too late as far as anyone can tell, and the request expires (to be proposed again) instead.
 */
function approvedInTime(ctx: Ctx): boolean {
  const expires = Date.parse(ctx.ur.spec.expiresAt);
  return Date.parse(ctx.status.approvedAt ?? "") < expires || ctx.now < expires;
}

function onApproved(ctx: Ctx): UpdateRequestDecision {
  const live = liveImage(ctx);
  if (!approvedInTime(ctx)) {
    return to(ctx, {
      phase: "Expired",
      message: `approved after it expired at ${ctx.ur.spec.expiresAt}; it will be proposed again`,
    });
  }
  const approval = {
    approvedAt: ctx.status.approvedAt ?? iso(ctx.now),
    approvedBy: ctx.status.approvedBy ?? "unknown",
  };
  if (live === undefined)
    return to(ctx, { ...approval, phase: "Failed", message: "target or container not found" });
  if (live !== ctx.ur.spec.currentImage && live !== ctx.ur.spec.newImage) {
    return to(ctx, { ...approval, phase: "Failed", message: `not applied: the container now runs ${live}` });
  }
  return applyWhenAllowed(ctx, approval, "applying");
}

/**
 * A rollout under way is followed by its own events: Metacontroller syncs the request whenever its
 * target or one of the target's Pods changes (both are related objects). A timer is needed only for
 * what no event announces: the rollout's deadline (and the spacing of failed checks). A periodic
 * look instead would cost every request in progress a hook call every few seconds, which during a
 * fan-out to a thousand workloads is most of the work.
 */
function untilDeadline(ctx: Ctx, appliedAt: string): number {
  const deadline = Date.parse(appliedAt) + ctx.ur.spec.rollbackTimeoutSeconds * 1000;
  return Math.max(1, Math.ceil((deadline - ctx.now) / 1000));
}

function onApplying(ctx: Ctx): UpdateRequestDecision {
  if (liveImage(ctx) === undefined)
    return to(ctx, { phase: "Failed", message: "target or container not found" });
  const appliedAt = iso(ctx.now);
  const next = to(
    ctx,
    { phase: "Progressing", appliedAt, message: "applied; watching the rollout" },
    untilDeadline(ctx, appliedAt),
  );
  return { ...next, effects: [patch(ctx, "apply")] };
}

/**
 * With auto-rollback, RollingBack is written before the rollback patch is sent: an answer lost
 * after the patch then resumes the rollback instead of finding the old image and calling it done.
 */
function fail(ctx: Ctx, reason: string): UpdateRequestDecision {
  // A failed rollback is left for a person: undoing it would restore the image they left.
  if (!ctx.ur.spec.autoRollback || ctx.ur.spec.type === "rollback")
    return to(ctx, { completedAt: iso(ctx.now), message: reason, phase: "Failed" });
  return to(ctx, { phase: "RollingBack", message: reason });
}

function onRollingBack(ctx: Ctx): UpdateRequestDecision {
  const reason = ctx.status.message ?? "";
  if (ctx.target === undefined)
    return to(ctx, {
      phase: "Failed",
      completedAt: iso(ctx.now),
      message: `rollback refused: target not found; ${reason}`,
    });
  const done = to(ctx, { phase: "RolledBack", completedAt: iso(ctx.now) });
  return { ...done, effects: [patch(ctx, "rollback")] };
}

/**
 * A failed Pod observation counts once per watch interval: Metacontroller re-syncs on every status
 * write, so counting per sync would spend all retries within milliseconds.
 */
function countFailure(ctx: Ctx, reason: string): UpdateRequestDecision {
  const last = Date.parse(ctx.status.checkedAt ?? "");
  const wait = Math.ceil((last + watchSeconds * 1000 - ctx.now) / 1000);
  if (wait > 0) return { status: null, effects: [], resyncAfterSeconds: wait };
  const failedChecks = (ctx.status.failedChecks ?? 0) + 1;
  if (failedChecks >= ctx.ur.spec.healthCheckRetries) return fail(ctx, reason);
  return to(ctx, { failedChecks, checkedAt: iso(ctx.now), message: reason }, watchSeconds);
}

function onProgressing(ctx: Ctx): UpdateRequestDecision {
  const { spec } = ctx.ur;
  if (ctx.target === undefined) return to(ctx, { phase: "Failed", message: "target not found" });
  const health = rolloutHealth(ctx.target, ctx.pods, spec, ctx.status.appliedGeneration ?? 0);
  if (health.kind === "healthy")
    return to(ctx, { phase: "Completed", completedAt: iso(ctx.now), message: "rolled out" });
  if (health.kind === "failed" && health.definitive) return fail(ctx, health.reason);
  const deadline = Date.parse(ctx.status.appliedAt ?? "") + spec.rollbackTimeoutSeconds * 1000;
  if (deadline <= ctx.now) return fail(ctx, `rollout did not finish within ${spec.rollbackTimeoutSeconds}s`);
  if (health.kind === "failed") return countFailure(ctx, health.reason);
  const wait = untilDeadline(ctx, ctx.status.appliedAt ?? "");
  if (ctx.status.failedChecks) {
    return to(
      ctx,
      { failedChecks: 0, checkedAt: iso(ctx.now), message: "applied; watching the rollout" },
      wait,
    );
  }
  return { status: null, effects: [], resyncAfterSeconds: wait };
}

function onRejected(ctx: Ctx): UpdateRequestDecision {
  if (ctx.status.rejectedAt !== undefined) return same();
  return to(ctx, {
    rejectedAt: iso(ctx.now),
    rejectedBy: ctx.status.rejectedBy ?? ctx.status.approvedBy ?? "unknown",
  });
}

function contextOf(request: DecoratorSyncRequest, now: number, settings: SyncSettings): Ctx {
  const ur = request.object as UpdateRequest;
  const targetRef = ur.spec?.targetRef;
  const kind = targetRef === undefined ? undefined : findTargetKind(targetRef.kind, targetRef.apiVersion);
  if (kind === undefined || typeof ur.spec?.containerName !== "string") {
    throw new HookInputError(`UpdateRequest ${ur.metadata.name} has no valid targetRef/containerName`);
  }
  const target = objectsOf(request.related, kind.kind, kind.apiVersion).find(
    (o) => o.metadata.name === targetRef?.name && o.metadata.namespace === targetRef?.namespace,
  );
  const pods = objectsOf(request.related, "Pod", "v1");
  const gitops = gitopsView(ur, target, settings.argoTracking ?? "annotation");
  return { ur, status: (ur.status ?? {}) as UpdateRequestStatus, target, pods, now, settings, gitops };
}

/** A request still on its way says whether a GitOps tool applies its target (written only on a change). */
function withConditions(ctx: Ctx, decision: UpdateRequestDecision): UpdateRequestDecision {
  const base = decision.status ?? ctx.status;
  if (isTerminal(base.phase)) return decision;
  const conditions = withGitOpsCondition(base.conditions, ctx.gitops, ctx.now);
  return conditions === base.conditions ? decision : { ...decision, status: { ...base, conditions } };
}

export function syncUpdateRequest(
  request: DecoratorSyncRequest,
  now: number,
  settings: SyncSettings = {},
): UpdateRequestDecision {
  const ctx = contextOf(request, now, settings);
  const phase = phaseOf(ctx.ur);
  const distrust =
    ctx.target === undefined
      ? undefined
      : (untrustedReason(ctx.ur, ctx.target) ?? rollbackRefusal(ctx.ur, ctx.target));
  if (distrust !== undefined) {
    return isTerminal(phase) ? same() : to(ctx, { phase: "Failed", message: `refused: ${distrust}` });
  }
  return withConditions(ctx, decide(ctx, phase));
}

function decide(ctx: Ctx, phase: Phase | undefined): UpdateRequestDecision {
  switch (phase) {
    case undefined:
      return onNew(ctx);
    case "Pending":
      return onPending(ctx);
    case "Approved":
      return onApproved(ctx);
    case "Applying":
      return onApplying(ctx);
    case "Progressing":
      return onProgressing(ctx);
    case "RollingBack":
      return onRollingBack(ctx);
    case "Rejected":
      return onRejected(ctx);
    default:
      return same();
  }
}
