/**
 * When the sidecar last polled each repository, and how that went: one ConfigMap in Headwind's
 * namespace, written by the polling leader after each cycle that polled something, read by
 * `kubectl headwind status`. It is no workload's related object, so writing it wakes no hook.
 * Bounded: at most `maxRepositories` entries, each message cut short.
 */
import type { KubeObject } from "../kube-object.ts";
import type { TagConfigMap } from "./tag-configmap.ts";

export const pollStatusName = "headwind-poll-status";
export const pollStatusLabel = "headwind.sh/poll-status";
export const maxRepositories = 2000;
const maxResultLength = 200;

export interface PollRecord {
  readonly repository: string;
  /** RFC 3339. */
  readonly polledAt: string;
  /** `ok`, or why the poll failed. */
  readonly result: string;
}

/** Shaped like a tag ConfigMap (same writer, same apply), under a name and label of its own. */
export type PollStatusConfigMap = TagConfigMap;

export function buildPollStatus(records: readonly PollRecord[], namespace: string): PollStatusConfigMap {
  const kept = [...records]
    .sort((a, b) => b.polledAt.localeCompare(a.polledAt) || a.repository.localeCompare(b.repository))
    .slice(0, maxRepositories)
    .map((r) => ({ ...r, result: r.result.slice(0, maxResultLength) }))
    .sort((a, b) => a.repository.localeCompare(b.repository));
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: pollStatusName,
      namespace,
      labels: { [pollStatusLabel]: "v1", "app.kubernetes.io/managed-by": "headwind" },
      annotations: {},
    },
    data: { polls: JSON.stringify(kept) },
  };
}

export function parsePollStatus(configMap: KubeObject & { data?: Record<string, string> }): PollRecord[] {
  try {
    const parsed: unknown = JSON.parse(configMap.data?.polls ?? "[]");
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (r): r is PollRecord =>
        typeof r?.repository === "string" && typeof r.polledAt === "string" && typeof r.result === "string",
    );
  } catch {
    return [];
  }
}
