/** Install-wide settings the hooks need, read once at start-up (see read-hooks-config.ts). */
import type { ArgoTrackingMethod } from "../../core/gitops/gitops-owner.ts";
import type { UpdateWindow } from "../../core/windows/parse-update-windows.ts";

export interface HookSettings {
  /** Where the tag ConfigMaps live. */
  readonly namespace: string;
  /** How long a request waits for a person before it expires. */
  readonly approvalTtlSeconds: number;
  /** Finished requests kept per container (the original Headwind kept 10 history entries). */
  readonly historyLimit: number;
  /**
   * The most one UpdateRequests sync may spend on API calls and notifications together: well under
   * its 30 s hook timeout (hooks/updaterequests-controller.yaml), so the answer is never lost.
   */
  readonly effectBudgetMs: number;
  /** Cluster-wide update windows for workloads without `headwind.sh/update-window`; empty: any time. */
  readonly updateWindows?: readonly UpdateWindow[];
  /** How Argo CD marks what it applies (its `application.resourceTrackingMethod`); default annotation. */
  readonly argoTracking?: ArgoTrackingMethod;
}

export const defaultHookSettings: HookSettings = {
  namespace: "headwind",
  approvalTtlSeconds: 86_400,
  historyLimit: 10,
  effectBudgetMs: 15_000,
  updateWindows: [],
  argoTracking: "annotation",
};
