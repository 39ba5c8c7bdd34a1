/**
 * What goes into `status.approvedBy`/`status.rejectedBy`: always the authenticated user name,
 * which the apiserver vouched for. A body `approver` (the original API's only identity) is kept
 * as a hint after it, e.g. `alice (approver: web-ui)`, so a tool acting for someone can say so
 * without ever being able to claim a name on its own. Fits the CRD's 253-character limit.
 */
export const maxApprovedByLength = 253;

export function approverLabel(username: string, hint: string | undefined): string {
  if (hint === undefined || hint === "" || hint === username || username.length >= maxApprovedByLength - 16)
    return username.slice(0, maxApprovedByLength);
  const prefix = `${username} (approver: `;
  const room = maxApprovedByLength - prefix.length - 1;
  const shown = hint.length > room ? `${hint.slice(0, room - 3)}...` : hint;
  return `${prefix}${shown})`;
}
