/**
 * The opted-in workloads of every managed kind, kept current by a watch per kind with the LIST as
 * its resync (kube/list-and-watch.ts): a workload annotated a moment ago is known within the watch's
 * latency, not at the next periodic LIST, so a push that follows at once is not dropped. Only
 * workloads with a policy other than `none` are held (label selectors cannot select on
 * annotations), so memory follows Headwind's workloads, not the cluster's.
 */
import type { KubeObject } from "../../core/kube-object.ts";
import { annotations } from "../../core/metadata-keys.ts";
import type { WorkloadKind } from "../../core/workloads/workload-kinds.ts";
import { resourcePath } from "../../kube/api-paths.ts";
import type { WatchEvent } from "../../kube/create-kube-watch.ts";
import { listAndWatch } from "../../kube/list-and-watch.ts";
import { listAll } from "../../kube/list-pages.ts";
import type { SidecarKube } from "./sidecar-kube.ts";

export interface WorkloadView {
  /** Every opted-in workload; throws (saying why) until each kind has been listed. */
  workloads(): KubeObject[];
  /** Lists and watches every kind until `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
}

export interface WorkloadViewDeps {
  readonly kube: Pick<SidecarKube, "listWorkloads" | "watch">;
  readonly kinds: readonly WorkloadKind[];
  /** The set of opted-in workloads (or one of them) changed. */
  readonly onChange: () => void;
  readonly onError: (kind: WorkloadKind, error: unknown) => void;
  /** A fresh LIST at least this often. */
  readonly resyncMs: number;
  /** `limit` of each LIST page (default 500). */
  readonly pageSize?: number;
}

export function isOptedIn(workload: KubeObject): boolean {
  const policy = workload.metadata.annotations?.[annotations.policy];
  return policy !== undefined && policy.trim().toLowerCase() !== "none";
}

const keyOf = (workload: KubeObject) => `${workload.metadata.namespace ?? ""}/${workload.metadata.name}`;

export function createWorkloadView(deps: WorkloadViewDeps): WorkloadView {
  const byKind = new Map<string, Map<string, KubeObject>>();
  let lastError: string | undefined;

  function follow(kind: WorkloadKind, signal: AbortSignal): Promise<void> {
    // Watch objects and list items may lack apiVersion and kind; the readers downstream need both.
    const typed = (workload: KubeObject): KubeObject => ({
      ...workload,
      apiVersion: kind.apiVersion,
      kind: kind.kind,
    });
    return listAndWatch<KubeObject>({
      // Filtered page by page, so a LIST holds the opted-in workloads, not the whole cluster's.
      list: () =>
        listAll(async (request) => {
          const page = await deps.kube.listWorkloads(kind, request);
          return { ...page, items: page.items.filter(isOptedIn) };
        }, deps.pageSize ?? 500),
      watch: deps.kube.watch,
      path: resourcePath(kind),
      signal,
      resyncMs: deps.resyncMs,
      onList: (items) => {
        byKind.set(kind.kind, new Map(items.map((w) => [keyOf(w), typed(w)])));
        deps.onChange();
      },
      onEvent: (event: WatchEvent<KubeObject>) => {
        const held = byKind.get(kind.kind);
        if (held === undefined) return;
        const key = keyOf(event.object);
        if (event.type !== "DELETED" && isOptedIn(event.object)) held.set(key, typed(event.object));
        else if (!held.delete(key)) return;
        deps.onChange();
      },
      onError: (error) => {
        lastError = `${kind.kind}: ${error instanceof Error ? error.message : String(error)}`;
        deps.onError(kind, error);
      },
    });
  }

  return {
    workloads() {
      if (deps.kinds.some((kind) => !byKind.has(kind.kind)))
        throw new Error(`the workloads have not been listed yet${lastError ? ` (${lastError})` : ""}`);
      return deps.kinds.flatMap((kind) => [...(byKind.get(kind.kind)?.values() ?? [])]);
    },
    async run(signal) {
      await Promise.all(deps.kinds.map((kind) => follow(kind, signal)));
    },
  };
}
