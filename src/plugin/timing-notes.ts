/**
 * When `kubectl headwind plan`'s proposals would be applied: not at all by patch when a GitOps tool
 * applies the workload (unless `headwind.sh/gitops: patch`), and only inside the workload's own
 * update window. The cluster-wide default window and Argo CD's tracking method are the hooks'
 * settings, which the plugin does not read: it assumes the defaults (no window, annotation).
 */

import { describeOwner, gitopsOwner } from "../core/gitops/gitops-owner.ts";
import type { KubeObject } from "../core/kube-object.ts";
import { annotations } from "../core/metadata-keys.ts";
import { parseUpdateWindows } from "../core/windows/parse-update-windows.ts";
import { windowState } from "../core/windows/window-state.ts";

export function timingNotes(workload: KubeObject, now: number): string[] {
  const notes: string[] = [];
  const owner = gitopsOwner(workload, "annotation");
  if (owner !== undefined) {
    const patch = workload.metadata.annotations?.[annotations.gitops]?.trim().toLowerCase() === "patch";
    notes.push(
      patch
        ? `applied by ${describeOwner(owner)}: updates are patched anyway (${annotations.gitops}: patch); change Git too`
        : `applied by ${describeOwner(owner)}: updates are proposed, not patched; change the ${workload.kind === "HelmRelease" ? "chart version" : "image"} in Git`,
    );
  }
  const written = workload.metadata.annotations?.[annotations.updateWindow];
  const windows = written === undefined ? undefined : parseUpdateWindows(written);
  if (windows?.ok) {
    const state = windowState(windows.value, now);
    if (!state.open)
      notes.push(
        `outside ${annotations.updateWindow}: approved updates wait until ${new Date(state.opensAt).toISOString()}`,
      );
  }
  return notes;
}
