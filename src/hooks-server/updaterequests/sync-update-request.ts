/**
 * The UpdateRequests sync hook: the state machine of docs/design/architecture.md. It returns `status: null`
 * whenever nothing changes, so a person's concurrent `kubectl patch --subresource=status`
 * approval is never overwritten. Image changes come back as patch effects for the executor.
 */

import type { KubeObject } from "../../core/kube-object.ts";
import {
  phaseOf,
  type UpdateRequest,
  type UpdateRequestStatus,
} from "../../core/updaterequests/update-request.ts";
import type { UpdateWindow } from "../../core/windows/parse-update-windows.ts";
import { containerImages } from "../../core/workloads/container-images.ts";
import { findWorkloadKind } from "../../core/workloads/workload-kinds.ts";
import type { Effect } from "../effects/effect.ts";
import { HookInputError } from "../metacontroller/hook-input-error.ts";
import { type DecoratorSyncRequest, objectsOf } from "../metacontroller/wire.ts";
import { rolloutHealth } from "./rollout-health.ts";
import { untrustedReason } from "./trust-update-request.ts";
import { windowGate } from "./window-gate.ts";

export interface UpdateRequestDecision {
  status: UpdateRequestStatus | null;
  effects: Effect[];
  resyncAfterSeconds?: number;
}

/** How often a rollout in progress is looked at again. */
export const watchSeconds = 10;

interface Ctx {
  readonly ur: UpdateRequest;
  readonly status: UpdateRequestStatus;
  readonly target: KubeObject | undefined;
  readonly pods: readonly KubeObject[];
  readonly now: Date;
  /** The cluster-wide update windows, for targets without their own. */
  readonly windows: readonly UpdateWindow[];
}

const iso = (date: Date) => date.toISOString();
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

function patch(ctx: Ctx, step: "apply" | "rollback"): Effect {
  const { spec } = ctx.ur;
  const [from, to] =
    step === "apply" ? [spec.currentImage, spec.newImage] : [spec.newImage, spec.currentImage];
  return {
    type: "patchImage",
    key: `${ctx.ur.metadata.uid ?? ctx.ur.metadata.name}/${step}`,
    target: spec.targetRef,
    containerType: spec.containerType,
    container: spec.containerName,
    from,
    to,
  };
}

/**
 * Approved, and inside an update window: Applying. Outside one it stays Approved, saying until
 * when, and wakes up as the window opens; the same wait is not written twice.
 */
function applyWhenOpen(ctx: Ctx, approval: UpdateRequestStatus, message?: string): UpdateRequestDecision {
  const gate = windowGate(ctx.target, ctx.windows, ctx.now);
  if (gate.open) return to(ctx, { ...approval, phase: "Applying", waitingUntil: undefined, message });
  const { waitingUntil, resyncAfterSeconds } = gate;
  const unchanged =
    ctx.status.phase === "Approved" &&
    ctx.status.approvedAt !== undefined &&
    ctx.status.waitingUntil === waitingUntil &&
    ctx.status.message === gate.message;
  if (unchanged) return { status: null, effects: [], resyncAfterSeconds };
  return to(ctx, { ...approval, phase: "Approved", waitingUntil, message: gate.message }, resyncAfterSeconds);
}

function onNew(ctx: Ctx): UpdateRequestDecision {
  if (ctx.ur.spec.approval === "Automatic") {
    return applyWhenOpen(ctx, {
      approvedBy: "headwind (require-approval: false)",
      approvedAt: iso(ctx.now),
    });
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
  if (!(expires > ctx.now.getTime()))
    return to(ctx, { phase: "Expired", message: "nobody approved it in time" });
  const live = liveImage(ctx);
  if (ctx.target !== undefined && live !== spec.currentImage) {
    return to(ctx, {
      phase: "Superseded",
      message: `${spec.targetRef.kind} now runs ${live ?? "no such container"}`,
    });
  }
  const wait = Math.ceil((expires - ctx.now.getTime()) / 1000);
  return isNew ? to(ctx, {}, wait) : { status: null, effects: [], resyncAfterSeconds: wait };
}

function onApproved(ctx: Ctx): UpdateRequestDecision {
  const live = liveImage(ctx);
  const approval = {
    approvedAt: ctx.status.approvedAt ?? iso(ctx.now),
    approvedBy: ctx.status.approvedBy ?? "unknown",
  };
  if (live === undefined)
    return to(ctx, { ...approval, phase: "Failed", message: "target or container not found" });
  if (live !== ctx.ur.spec.currentImage && live !== ctx.ur.spec.newImage) {
    return to(ctx, { ...approval, phase: "Failed", message: `not applied: the container now runs ${live}` });
  }
  return applyWhenOpen(ctx, approval, "applying");
}

function onApplying(ctx: Ctx): UpdateRequestDecision {
  if (liveImage(ctx) === undefined)
    return to(ctx, { phase: "Failed", message: "target or container not found" });
  const next = to(
    ctx,
    { phase: "Progressing", appliedAt: iso(ctx.now), message: "applied; watching the rollout" },
    watchSeconds,
  );
  return { ...next, effects: [patch(ctx, "apply")] };
}

function fail(ctx: Ctx, reason: string): UpdateRequestDecision {
  const done = { completedAt: iso(ctx.now), message: reason };
  if (!ctx.ur.spec.autoRollback) return to(ctx, { ...done, phase: "Failed" });
  return { ...to(ctx, { ...done, phase: "RolledBack" }), effects: [patch(ctx, "rollback")] };
}

/**
 * A failed Pod observation counts once per watch interval: Metacontroller re-syncs on every status
 * write, so counting per sync would spend all retries within milliseconds.
 */
function countFailure(ctx: Ctx, reason: string): UpdateRequestDecision {
  const last = Date.parse(ctx.status.checkedAt ?? "");
  const wait = Math.ceil((last + watchSeconds * 1000 - ctx.now.getTime()) / 1000);
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
  if (deadline <= ctx.now.getTime())
    return fail(ctx, `rollout did not finish within ${spec.rollbackTimeoutSeconds}s`);
  if (health.kind === "failed") return countFailure(ctx, health.reason);
  if (ctx.status.failedChecks) {
    return to(
      ctx,
      { failedChecks: 0, checkedAt: iso(ctx.now), message: "applied; watching the rollout" },
      watchSeconds,
    );
  }
  return { status: null, effects: [], resyncAfterSeconds: watchSeconds };
}

function onRejected(ctx: Ctx): UpdateRequestDecision {
  if (ctx.status.rejectedAt !== undefined) return same();
  return to(ctx, {
    rejectedAt: iso(ctx.now),
    rejectedBy: ctx.status.rejectedBy ?? ctx.status.approvedBy ?? "unknown",
  });
}

function contextOf(request: DecoratorSyncRequest, now: Date, windows: readonly UpdateWindow[]): Ctx {
  const ur = request.object as UpdateRequest;
  const targetRef = ur.spec?.targetRef;
  const kind = targetRef === undefined ? undefined : findWorkloadKind(targetRef.kind, targetRef.apiVersion);
  if (kind === undefined || typeof ur.spec?.containerName !== "string") {
    throw new HookInputError(`UpdateRequest ${ur.metadata.name} has no valid targetRef/containerName`);
  }
  const target = objectsOf(request.related, kind.kind, kind.apiVersion).find(
    (o) => o.metadata.name === targetRef?.name && o.metadata.namespace === targetRef?.namespace,
  );
  const pods = objectsOf(request.related, "Pod", "v1");
  return { ur, status: (ur.status ?? {}) as UpdateRequestStatus, target, pods, now, windows };
}

const terminal = new Set(["Rejected", "Expired", "Superseded", "Completed", "Failed", "RolledBack"]);

export function syncUpdateRequest(
  request: DecoratorSyncRequest,
  now: Date,
  windows: readonly UpdateWindow[] = [],
): UpdateRequestDecision {
  const ctx = contextOf(request, now, windows);
  const phase = phaseOf(ctx.ur);
  const distrust = ctx.target === undefined ? undefined : untrustedReason(ctx.ur, ctx.target);
  if (distrust !== undefined) {
    return terminal.has(phase ?? "") ? same() : to(ctx, { phase: "Failed", message: `refused: ${distrust}` });
  }
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
    case "Rejected":
      return onRejected(ctx);
    default:
      return same();
  }
}
