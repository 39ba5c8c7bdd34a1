/**
 * Effects are what a hook wants done outside its answer, returned as data so the decision stays
 * pure. The executor runs them before the answer goes back; each carries a key so a retry of the
 * same step is recognisable.
 */

import type { KubeObject } from "../../core/kube-object.ts";
import type { TargetRef, UpdateRequest } from "../../core/updaterequests/update-request.ts";
import type { ImageChange } from "../../core/workloads/image-patch.ts";
import type { Notification } from "../notify/notification.ts";

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly uid?: string;
}

/** The UpdateRequest an image patch is made for: the executor re-reads it and acts only if it still stands. */
export interface UpdateRequestRef {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export type PatchStep = "apply" | "rollback";

export type Effect =
  | ({
      readonly type: "patchImage";
      readonly key: string;
      readonly step: PatchStep;
      readonly updateRequest: UpdateRequestRef;
      readonly target: TargetRef;
    } & ImageChange)
  | { readonly type: "notify"; readonly key: string; readonly notification: Notification }
  | {
      readonly type: "event";
      readonly key: string;
      readonly regarding: ObjectRef;
      readonly eventType: "Normal" | "Warning";
      readonly reason: string;
      readonly message: string;
    };

/** Why the live cluster did not back a patch; a bounded set, so it can label a metric. */
export type RefusalReason =
  | "no-update-request"
  | "uid-mismatch"
  | "phase"
  | "spec-mismatch"
  | "no-target"
  | "untrusted"
  | "not-annotated";

export type EffectOutcome =
  | { readonly key: string; readonly result: "applied"; readonly generation?: number }
  | { readonly key: string; readonly result: "noop"; readonly generation?: number }
  /** Someone else changed the container first: their change is kept. */
  | { readonly key: string; readonly result: "conflict"; readonly message: string }
  /** Nothing was sent: the live UpdateRequest or workload does not back this patch. */
  | {
      readonly key: string;
      readonly result: "refused";
      readonly reason: RefusalReason;
      readonly message: string;
    }
  /** The apiserver refused the patch for good (admission, RBAC, validation): retrying cannot help. */
  | { readonly key: string; readonly result: "failed"; readonly message: string }
  /** A notification or Event that could not be delivered: recorded, never blocks the state machine. */
  | { readonly key: string; readonly result: "undelivered"; readonly message: string };

/**
 * An UpdateRequest and its target as the calling sync has just read them from the apiserver (never
 * from a hook body): the executor checks a patch against these instead of reading them again.
 */
export interface LiveReads {
  readonly updateRequest: UpdateRequest;
  readonly target: KubeObject | undefined;
}

/**
 * Runs effects within the step's time budget (`signal`); throws only when the answer must not be
 * sent (a transient failure: the hook then answers 5xx and Metacontroller retries).
 */
export type EffectExecutor = (
  effects: readonly Effect[],
  signal?: AbortSignal,
  live?: LiveReads,
) => Promise<EffectOutcome[]>;
