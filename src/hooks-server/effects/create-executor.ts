/**
 * The real effect executor. An image patch first reads the UpdateRequest and its target from the
 * apiserver (or takes what the calling sync read there a moment before: two GETs less per update,
 * which at a fan-out of a thousand workloads is a good part of the apiserver's work) and goes ahead
 * only if they back it (check-patch-authority.ts); it is then a JSON
 * patch with a `test` op, so a concurrent change makes it fail instead of overwriting it, and a
 * repeat is a no-op. Events get names derived from the effect key, so a retried sync creates each
 * Event once. Everything runs within the caller's time budget (`signal`).
 */

import { createHash } from "node:crypto";
import type { KubeObject } from "../../core/kube-object.ts";
import type { Clock } from "../../core/time/clock.ts";
import { microTime } from "../../core/time/micro-time.ts";
import { planImagePatch } from "../../core/workloads/image-patch.ts";
import { KubeApiError, kubeStatus } from "../../kube/kube-api-error.ts";
import type { Notifier } from "../notify/create-notifier.ts";
import { checkPatchAuthority, type PatchEffect, sameRef } from "./check-patch-authority.ts";
import type { Effect, EffectExecutor, EffectOutcome, LiveReads } from "./effect.ts";
import { isPermanentFailure } from "./is-permanent-failure.ts";
import type { EventBody, KubeGateway } from "./kube-gateway.ts";

export interface ExecutorDeps {
  readonly gateway: KubeGateway;
  readonly notify: Notifier;
  readonly clock: Clock;
  /** Names this replica in Events (the pod name in a cluster). */
  readonly instance: string;
}

type EventEffect = Extract<Effect, { type: "event" }>;

function generationOf(object: KubeObject | undefined): { generation?: number } {
  const generation = object?.metadata.generation;
  return generation === undefined ? {} : { generation };
}

/** A 422 is also what a failed `test` op answers: the workload, read again, tells which it was. */
async function afterRefusal(
  deps: ExecutorDeps,
  effect: PatchEffect,
  error: KubeApiError,
  signal: AbortSignal | undefined,
): Promise<EffectOutcome> {
  const { key } = effect;
  if (error.status === 422) {
    const now = await deps.gateway.getWorkload(effect.target, signal);
    const again = now === undefined ? undefined : planImagePatch(now, effect);
    if (again?.kind === "noop") return { key, result: "noop", ...generationOf(now) };
    if (again?.kind === "conflict")
      return { key, result: "conflict", message: "the container changed during the update" };
  }
  return { key, result: "failed", message: error.message };
}

/** Whether `live` is this patch's UpdateRequest and target; else both are read. */
function readFor(effect: PatchEffect, live: LiveReads | undefined): live is LiveReads {
  if (live === undefined) return false;
  const { metadata, spec } = live.updateRequest;
  const ref = effect.updateRequest;
  return (
    metadata.namespace === ref.namespace &&
    metadata.name === ref.name &&
    sameRef(spec.targetRef, effect.target)
  );
}

async function patchImage(
  deps: ExecutorDeps,
  effect: PatchEffect,
  signal: AbortSignal | undefined,
  live: LiveReads | undefined,
): Promise<EffectOutcome> {
  const { key, updateRequest: ref } = effect;
  const [ur, target] = readFor(effect, live)
    ? [live.updateRequest, live.target]
    : await Promise.all([
        deps.gateway.getUpdateRequest(ref.namespace, ref.name, signal),
        deps.gateway.getWorkload(effect.target, signal),
      ]);
  const authority = checkPatchAuthority(effect, ur, target);
  if (!authority.ok) return { key, result: "refused", reason: authority.reason, message: authority.message };
  const plan = planImagePatch(authority.target, effect);
  if (plan.kind === "noop") return { key, result: "noop", ...generationOf(authority.target) };
  if (plan.kind === "conflict") return { key, result: "conflict", message: plan.message };
  try {
    const patched = await deps.gateway.patchWorkload(effect.target, plan.ops, signal);
    return { key, result: "applied", ...generationOf(patched) };
  } catch (error) {
    if (!(error instanceof KubeApiError) || !isPermanentFailure(error.status)) throw error;
    return afterRefusal(deps, effect, error, signal);
  }
}

export function eventOf(effect: EventEffect, now: number, instance: string): EventBody {
  const suffix = createHash("sha256").update(effect.key).digest("hex").slice(0, 16);
  const { regarding } = effect;
  return {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: { name: `${regarding.name.slice(0, 200)}.${suffix}`, namespace: regarding.namespace },
    eventTime: microTime(now),
    reportingController: "headwind.sh/hooks",
    reportingInstance: instance,
    action: effect.reason,
    reason: effect.reason,
    type: effect.eventType,
    note: effect.message.slice(0, 1024),
    regarding: {
      apiVersion: regarding.apiVersion,
      kind: regarding.kind,
      name: regarding.name,
      namespace: regarding.namespace,
      ...(regarding.uid ? { uid: regarding.uid } : {}),
    },
  };
}

async function createEvent(
  deps: ExecutorDeps,
  effect: EventEffect,
  signal: AbortSignal | undefined,
): Promise<EffectOutcome> {
  try {
    await deps.gateway.createEvent(eventOf(effect, deps.clock(), deps.instance), signal);
    return { key: effect.key, result: "applied" };
  } catch (error) {
    if (kubeStatus(error) === 409) return { key: effect.key, result: "noop" };
    return {
      key: effect.key,
      result: "undelivered",
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

export function createExecutor(deps: ExecutorDeps): EffectExecutor {
  return async (effects, signal, live) => {
    const outcomes: EffectOutcome[] = [];
    for (const effect of effects) {
      if (effect.type === "patchImage") outcomes.push(await patchImage(deps, effect, signal, live));
      else if (effect.type === "event") outcomes.push(await createEvent(deps, effect, signal));
      else {
        const failed = await deps.notify(effect.notification, signal);
        outcomes.push(
          failed.length === 0
            ? { key: effect.key, result: "applied" }
            : { key: effect.key, result: "undelivered", message: `not delivered to ${failed.join(", ")}` },
        );
      }
    }
    return outcomes;
  };
}
