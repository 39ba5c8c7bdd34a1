/** Which repositories are due for a poll, from the merged interest and when each was last polled. */
import { mergeInterest, type PollInterest } from "./merge-interest.ts";

/** A floor under user-set intervals, so one bad annotation cannot hammer a registry. */
export const minimumPollingIntervalSeconds = 30;

function intervalMs(item: PollInterest): number {
  const seconds = Number.isFinite(item.pollingIntervalSeconds) ? item.pollingIntervalSeconds : 0;
  return Math.max(minimumPollingIntervalSeconds, seconds) * 1000;
}

/**
 * The due repositories (merged, one per repository): never polled first, then the most overdue,
 * then by name. `lastPolled` maps repository keys to epoch milliseconds; `now` likewise.
 */
export function planPoll(
  interest: readonly PollInterest[],
  lastPolled: ReadonlyMap<string, number>,
  now: number,
): PollInterest[] {
  const overdue = (item: PollInterest) => {
    const last = lastPolled.get(item.repository);
    return last === undefined ? Number.POSITIVE_INFINITY : now - last - intervalMs(item);
  };
  return mergeInterest(interest)
    .filter((item) => overdue(item) >= 0)
    .sort((a, b) => overdue(b) - overdue(a) || (a.repository < b.repository ? -1 : 1));
}
