/**
 * Metacontroller hook wire types (hooks `version: v2`): maps keyed `Kind.apiVersion`, then
 * `namespace/name`. Only the fields Headwind reads are typed; the rest passes through untouched.
 */

import type { KubeObject } from "../../core/kube-object.ts";

export type ObjectMap = Record<string, Record<string, KubeObject>>;

export interface DecoratorSyncRequest {
  object: KubeObject;
  attachments: ObjectMap;
  related: ObjectMap;
  finalizing: boolean;
}

export interface DecoratorSyncResponse {
  labels?: Record<string, string | null>;
  annotations?: Record<string, string | null>;
  /** null leaves the object's status alone (a Decorator never clobbers a concurrent approval). */
  status: Record<string, unknown> | null;
  attachments: KubeObject[];
  resyncAfterSeconds?: number;
  finalized?: boolean;
}

export interface CustomizeRequest {
  parent: KubeObject;
}

export interface RelatedResourceRule {
  apiVersion: string;
  resource: string;
  namespace?: string;
  names?: string[];
  labelSelector?: { matchLabels?: Record<string, string> };
}

export interface CustomizeResponse {
  relatedResources: RelatedResourceRule[];
}

/** The outer key Metacontroller uses for a type: `Pod.v1`, `Deployment.apps/v1`. */
export function groupKey(kind: string, apiVersion: string): string {
  return `${kind}.${apiVersion}`;
}

export function objectsOf(map: ObjectMap, kind: string, apiVersion: string): KubeObject[] {
  return Object.values(map[groupKey(kind, apiVersion)] ?? {});
}
