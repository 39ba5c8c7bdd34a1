/**
 * Effects are what a hook wants done outside its answer, returned as data so the decision stays
 * pure. The executor runs them before the answer goes back; each carries a key so a retry of the
 * same step is recognisable.
 */

import type { TargetRef } from "../../core/updaterequests/update-request.ts";
import type { ImageChange } from "../../core/workloads/image-patch.ts";
import type { Notification } from "../notify/notification.ts";

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly uid?: string;
}

export type Effect =
  | ({ readonly type: "patchImage"; readonly key: string; readonly target: TargetRef } & ImageChange)
  | { readonly type: "notify"; readonly key: string; readonly notification: Notification }
  | {
      readonly type: "event";
      readonly key: string;
      readonly regarding: ObjectRef;
      readonly eventType: "Normal" | "Warning";
      readonly reason: string;
      readonly message: string;
    };

export type EffectOutcome =
  | { readonly key: string; readonly result: "applied"; readonly generation?: number }
  | { readonly key: string; readonly result: "noop"; readonly generation?: number }
  | { readonly key: string; readonly result: "conflict"; readonly message: string }
  /** A notification or Event that could not be delivered: recorded, never blocks the state machine. */
  | { readonly key: string; readonly result: "undelivered"; readonly message: string };

/** Runs effects; throws only when the answer must not be sent (the hook then answers 5xx and is retried). */
export type EffectExecutor = (effects: readonly Effect[]) => Promise<EffectOutcome[]>;
