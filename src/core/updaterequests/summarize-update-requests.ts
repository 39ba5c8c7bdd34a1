/**
 * What the UpdateRequests in the cluster add up to, for the hooks server's gauges: how many are in
 * each phase, and how long the oldest request that waits for a person has waited.
 */
import { type Phase, phaseOf, phases, type UpdateRequest } from "./update-request.ts";

export interface UpdateRequestSummary {
  readonly byPhase: Readonly<Record<Phase, number>>;
  /** Seconds since the oldest Pending request needing approval was created; 0 when none waits. */
  readonly oldestPendingApprovalSeconds: number;
}

export function summarizeUpdateRequests(items: readonly UpdateRequest[], now: number): UpdateRequestSummary {
  const byPhase = Object.fromEntries(phases.map((phase) => [phase, 0])) as Record<Phase, number>;
  let oldest = 0;
  for (const ur of items) {
    const phase = phaseOf(ur);
    // A request the UpdateRequests hook has not seen yet has no phase: nothing to count.
    if (phase === undefined) continue;
    byPhase[phase] += 1;
    if (phase !== "Pending" || ur.spec?.approval !== "Required") continue;
    const created = Date.parse(ur.metadata.creationTimestamp ?? "");
    if (Number.isFinite(created)) oldest = Math.max(oldest, (now - created) / 1000);
  }
  return { byPhase, oldestPendingApprovalSeconds: Math.max(0, Math.floor(oldest)) };
}
