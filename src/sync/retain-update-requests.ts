/**
 * Which existing UpdateRequests a workload keeps. Any attachment missing from a sync answer is
 * deleted by Metacontroller, so this is the only place requests are ever cleaned up: active ones
 * always stay, blocking ones (rejected, failed, rolled back) stay so the verdict sticks, and the
 * newest `limit` other finished ones stay as history.
 */
import {
  activePhases,
  blockingPhases,
  phaseOf,
  type UpdateRequest,
} from "../updaterequests/update-request.ts";

/** A person's "no" outlives ordinary history, but not without bound. */
export const blockingLimit = 50;

const newestFirst = (a: UpdateRequest, b: UpdateRequest): number =>
  (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "") ||
  a.metadata.name.localeCompare(b.metadata.name);

export function retainUpdateRequests(urs: readonly UpdateRequest[], limit: number): UpdateRequest[] {
  const groups = new Map<string, UpdateRequest[]>();
  for (const ur of urs) {
    const key = `${ur.spec?.containerType}/${ur.spec?.containerName}`;
    groups.set(key, [...(groups.get(key) ?? []), ur]);
  }
  const kept: UpdateRequest[] = [];
  for (const group of groups.values()) {
    const sorted = [...group].sort(newestFirst);
    const phase = (ur: UpdateRequest) => phaseOf(ur);
    kept.push(
      ...sorted.filter((ur) => phase(ur) === undefined || activePhases.includes(phase(ur) ?? "Pending")),
    );
    kept.push(
      ...sorted.filter((ur) => blockingPhases.includes(phase(ur) ?? "Pending")).slice(0, blockingLimit),
    );
    kept.push(
      ...sorted
        .filter((ur) => {
          const p = phase(ur);
          return p !== undefined && !activePhases.includes(p) && !blockingPhases.includes(p);
        })
        .slice(0, limit),
    );
  }
  return kept.sort(newestFirst);
}
