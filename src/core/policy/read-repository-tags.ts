/**
 * What the workloads hook knows about one repository: its tag ConfigMap parsed and re-checked
 * (core/tags/tag-configmap.ts) and its tags indexed for the policies (core/policy/tag-index.ts).
 * In core because `kubectl headwind plan` reads the live ConfigMaps the same way.
 */

import type { KubeObject } from "../kube-object.ts";
import { annotations } from "../metadata-keys.ts";
import type { Result } from "../result.ts";
import { type ObservedTags, parseTagConfigMap } from "../tags/tag-configmap.ts";
import { indexTags, type TagIndex } from "./tag-index.ts";

export interface RepositoryTags {
  readonly observed: ObservedTags;
  readonly index: TagIndex;
  /** Tags and digests that broke the OCI grammar and were left out. */
  readonly dropped: number;
  /** Why the sidecar's last read of the source failed (`headwind.sh/poll-error`); the tags are the last good read. */
  readonly pollError?: string | undefined;
}

export type ReadTags = Result<RepositoryTags>;

export type TagReader = (configMap: KubeObject) => ReadTags;

export const readRepositoryTags: TagReader = (configMap) => {
  const parsed = parseTagConfigMap(configMap);
  if (!parsed.ok) return parsed;
  const { value, dropped } = parsed;
  const pollError = configMap.metadata.annotations?.[annotations.pollError];
  return {
    ok: true,
    value: { observed: value, index: indexTags(value.tags), dropped, ...(pollError ? { pollError } : {}) },
  };
};
