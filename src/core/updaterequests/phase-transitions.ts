/**
 * Which phase changes an UpdateRequest may make, whoever writes them. The CRD enforces the same
 * table with a CEL transition rule (manifests/crds/updaterequests.headwind.sh.yaml, checked against
 * this one by its test); the hook checks it before it writes, so neither side can drift alone.
 * A request without a phase yet (never synced) may start anywhere; staying in a phase is always
 * allowed (counters and claims change within a phase); terminal phases never change.
 */
import type { Phase } from "./update-request.ts";

export const phaseTransitions: Readonly<Partial<Record<Phase, readonly Phase[]>>> = {
  // Completed: a GitOps tool rolled the proposed image out from Git (nothing for Headwind to apply).
  Pending: ["Approved", "Rejected", "Expired", "Superseded", "Failed", "Completed"],
  // Expired: approved by kubectl after the request's time was up (nothing stamps the approval time).
  Approved: ["Applying", "Expired", "Failed"],
  Applying: ["Progressing", "Failed"],
  Progressing: ["Completed", "Failed", "RollingBack"],
  RollingBack: ["RolledBack", "Failed"],
};

export function isLegalTransition(from: Phase | undefined, to: Phase | undefined): boolean {
  if (from === undefined) return true;
  if (to === undefined) return false;
  return from === to || (phaseTransitions[from]?.includes(to) ?? false);
}

export function isTerminal(phase: Phase | undefined): boolean {
  return phase !== undefined && phaseTransitions[phase] === undefined;
}
