/**
 * Which existing UpdateRequests a workload keeps. Any attachment missing from a sync answer is
 * deleted by Metacontroller, so this is the only place requests are ever cleaned up: active ones
 * always stay, verdicts (rejected; failed or rolled back after the image ran) stay so they stick,
 * and the newest `limit` other finished ones stay as history.
 */
import {
  activePhases,
  isVerdict,
  phaseOf,
  type UpdateRequest,
} from "../../core/updaterequests/update-request.ts";

/** A person's "no" outlives ordinary history, but not without bound. */
export const blockingLimit = 50;

const newestFirst = (a: UpdateRequest, b: UpdateRequest): number =>
  (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "") ||
  a.metadata.name.localeCompare(b.metadata.name);

const isActive = (ur: UpdateRequest): boolean => {
  const phase = phaseOf(ur);
  return phase === undefined || activePhases.includes(phase);
};

export function retainUpdateRequests(urs: readonly UpdateRequest[], limit: number): UpdateRequest[] {
  const groups = new Map<string, UpdateRequest[]>();
  for (const ur of urs) {
    const key = `${ur.spec?.containerType}/${ur.spec?.containerName}`;
    groups.set(key, [...(groups.get(key) ?? []), ur]);
  }
  const kept: UpdateRequest[] = [];
  for (const group of groups.values()) {
    const sorted = [...group].sort(newestFirst);
    kept.push(...sorted.filter(isActive));
    kept.push(...sorted.filter(isVerdict).slice(0, blockingLimit));
    kept.push(...sorted.filter((ur) => !isActive(ur) && !isVerdict(ur)).slice(0, limit));
  }
  return kept.sort(newestFirst);
}
