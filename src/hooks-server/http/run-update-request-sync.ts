/**
 * Runs the UpdateRequest decision. The body only hints: a sync that would change nothing answers at
 * once, with no API call. Otherwise the request and its target are read live and decided again;
 * the patch (checked by the executor against those live objects) goes first, a transient
 * failure throwing so the hook answers 5xx and Metacontroller retries. Then the new status, with
 * the notifications it commits to, is written by the hooks themselves, conditional on the
 * resourceVersion just read (a concurrent approval is never overwritten, and of two replicas only
 * one moves the phase). Only after that are Events and notifications sent, all within the effect
 * budget, and the answer leaves the status alone (`status: null`).
 */

import { isDeepStrictEqual } from "node:util";
import type { Logger } from "pino";
import type { Clock } from "../../core/time/clock.ts";
import { isLegalTransition } from "../../core/updaterequests/phase-transitions.ts";
import {
  phaseOf,
  type UpdateRequest,
  type UpdateRequestStatus,
} from "../../core/updaterequests/update-request.ts";
import { kubeStatus } from "../../kube/kube-api-error.ts";
import type { HookSettings } from "../config/hook-settings.ts";
import type { Effect, EffectExecutor, EffectOutcome } from "../effects/effect.ts";
import type { KubeGateway } from "../effects/kube-gateway.ts";
import type { DecoratorSyncRequest, DecoratorSyncResponse } from "../metacontroller/wire.ts";
import { applyOutcomes } from "../updaterequests/apply-outcomes.ts";
import { liveRefusal, withLiveObjects } from "../updaterequests/live-request.ts";
import { planTransition } from "../updaterequests/plan-transition.ts";
import { syncUpdateRequest } from "../updaterequests/sync-update-request.ts";
import type { HookMetrics } from "./create-hook-metrics.ts";

export interface UpdateRequestSyncDeps {
  readonly clock: Clock;
  readonly execute: EffectExecutor;
  readonly gateway: KubeGateway;
  readonly metrics: HookMetrics;
  readonly settings: HookSettings;
}

const answer = (resyncAfterSeconds?: number): DecoratorSyncResponse => ({
  status: null,
  attachments: [],
  ...(resyncAfterSeconds ? { resyncAfterSeconds } : {}),
});

function record(deps: UpdateRequestSyncDeps, log: Logger, effects: Effect[], outcomes: EffectOutcome[]) {
  for (const outcome of outcomes) {
    const type = effects.find((e) => e.key === outcome.key)?.type ?? "unknown";
    deps.metrics.effects.inc({ type, result: outcome.result });
    if (outcome.result === "refused") {
      deps.metrics.refused.inc({ reason: outcome.reason });
      log.warn({ key: outcome.key, reason: outcome.reason, message: outcome.message }, "effect refused");
    }
    if (outcome.result === "undelivered")
      log.warn({ key: outcome.key, reason: outcome.message }, "effect not delivered");
  }
}

/** False when the request changed or vanished since it was read: that change brings the next sync. */
async function write(
  gateway: KubeGateway,
  ur: UpdateRequest,
  status: UpdateRequestStatus,
  signal: AbortSignal,
): Promise<boolean> {
  try {
    await gateway.writeUpdateRequestStatus(ur, status, signal);
    return true;
  } catch (error) {
    const code = kubeStatus(error);
    if (code === 409 || code === 404) return false;
    throw error;
  }
}

async function readLive(request: DecoratorSyncRequest, deps: UpdateRequestSyncDeps, signal: AbortSignal) {
  const { namespace = "", name } = request.object.metadata;
  const ur = await deps.gateway.getUpdateRequest(namespace, name, signal);
  const refusal = liveRefusal(request.object, ur);
  if (refusal !== undefined || ur === undefined) return { refusal };
  const target = await deps.gateway.getWorkload(ur.spec.targetRef, signal);
  return { ur, target, request: withLiveObjects(request, ur, target) };
}

export async function runUpdateRequestSync(
  request: DecoratorSyncRequest,
  deps: UpdateRequestSyncDeps,
  log: Logger,
): Promise<DecoratorSyncResponse> {
  const hinted = syncUpdateRequest(request, deps.clock(), deps.settings);
  if (hinted.status === null && hinted.effects.length === 0) return answer(hinted.resyncAfterSeconds);
  const signal = AbortSignal.timeout(deps.settings.effectBudgetMs);
  const live = await readLive(request, deps, signal);
  if (live.ur === undefined) {
    deps.metrics.refused.inc({ reason: live.refusal?.reason ?? "no-update-request" });
    log.warn({ ...live.refusal }, "hook request refused: not backed by the live cluster");
    return answer();
  }
  const decided = syncUpdateRequest(live.request, deps.clock(), deps.settings);
  const outcomes = await deps.execute(decided.effects, signal, {
    updateRequest: live.ur,
    target: live.target,
  });
  record(deps, log, decided.effects, outcomes);
  const { status, resyncAfterSeconds } = applyOutcomes(decided, outcomes);
  const before = live.ur.status ?? {};
  if (status === null || isDeepStrictEqual(status, before)) return answer(resyncAfterSeconds);
  const plan = planTransition(live.ur, status);
  if (!isLegalTransition(before.phase, plan.status.phase))
    throw new Error(`refusing to write ${before.phase} -> ${plan.status.phase}: not a legal phase change`);
  const updateRequest = `${live.ur.metadata.namespace}/${live.ur.metadata.name}`;
  if (!(await write(deps.gateway, live.ur, plan.status, signal))) {
    log.info({ updateRequest }, "update request changed meanwhile; the next sync decides again");
    return answer();
  }
  if (plan.status.phase !== before.phase) {
    deps.metrics.transitions.inc({ phase: plan.status.phase ?? "none" });
    const moved = { from: phaseOf(live.ur), to: plan.status.phase, message: plan.status.message };
    log.info({ updateRequest, ...moved }, "update request moved");
  }
  record(deps, log, plan.effects, await deps.execute(plan.effects, signal));
  return answer(resyncAfterSeconds);
}
