/**
 * The real effect executor. Image patches are read-then-JSON-patch with a `test` op, so a
 * concurrent change makes the patch fail instead of overwriting it; a repeat is a no-op. Events
 * get names derived from the effect key, so a retried sync creates each Event once.
 */
import { createHash } from "node:crypto";
import type { EventsV1Event } from "@kubernetes/client-node";
import { microTime } from "../../core/time/micro-time.ts";
import { planImagePatch } from "../../core/workloads/image-patch.ts";
import type { Notifier } from "../notify/create-notifier.ts";
import type { Effect, EffectExecutor, EffectOutcome } from "./effect.ts";
import { apiStatus, type KubeGateway } from "./kube-gateway.ts";

export interface ExecutorDeps {
  readonly gateway: KubeGateway;
  readonly notify: Notifier;
  readonly clock: () => Date;
  /** Names this replica in Events (the pod name in a cluster). */
  readonly instance: string;
}

type PatchEffect = Extract<Effect, { type: "patchImage" }>;
type EventEffect = Extract<Effect, { type: "event" }>;

async function patchImage(deps: ExecutorDeps, effect: PatchEffect): Promise<EffectOutcome> {
  const { key, target } = effect;
  let live: Awaited<ReturnType<KubeGateway["get"]>>;
  try {
    live = await deps.gateway.get(target);
  } catch (error) {
    if (apiStatus(error) === 404)
      return { key, result: "conflict", message: `${target.kind} ${target.name} not found` };
    throw error;
  }
  const plan = planImagePatch(live, effect);
  if (plan.kind === "noop") return { key, result: "noop", ...generationOf(live) };
  if (plan.kind === "conflict") return { key, result: "conflict", message: plan.message };
  try {
    return { key, result: "applied", ...generationOf(await deps.gateway.jsonPatch(target, plan.ops)) };
  } catch (error) {
    // 422: the `test` op failed because the image changed between our read and our patch.
    const status = apiStatus(error);
    if (status === 422 || status === 409)
      return { key, result: "conflict", message: "the container changed during the update" };
    throw error;
  }
}

function generationOf(object: { metadata: { generation?: number } }): { generation?: number } {
  return object.metadata.generation === undefined ? {} : { generation: object.metadata.generation };
}

export function eventOf(effect: EventEffect, now: Date, instance: string): EventsV1Event {
  const suffix = createHash("sha256").update(effect.key).digest("hex").slice(0, 16);
  const { regarding } = effect;
  return {
    metadata: { name: `${regarding.name.slice(0, 200)}.${suffix}`, namespace: regarding.namespace },
    // client-node types MicroTime as a Date but sends whatever it is given: the string goes out as is.
    eventTime: microTime(now.getTime()) as unknown as Date,
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

async function createEvent(deps: ExecutorDeps, effect: EventEffect): Promise<EffectOutcome> {
  try {
    await deps.gateway.createEvent(effect.regarding.namespace, eventOf(effect, deps.clock(), deps.instance));
    return { key: effect.key, result: "applied" };
  } catch (error) {
    if (apiStatus(error) === 409) return { key: effect.key, result: "noop" };
    return {
      key: effect.key,
      result: "undelivered",
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

export function createExecutor(deps: ExecutorDeps): EffectExecutor {
  return async (effects) => {
    const outcomes: EffectOutcome[] = [];
    for (const effect of effects) {
      if (effect.type === "patchImage") outcomes.push(await patchImage(deps, effect));
      else if (effect.type === "event") outcomes.push(await createEvent(deps, effect));
      else {
        const failed = await deps.notify(effect.notification);
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
