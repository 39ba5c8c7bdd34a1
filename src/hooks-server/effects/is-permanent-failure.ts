/**
 * Which apiserver answers to a patch end the request instead of being retried. Admission and RBAC
 * denials (403), validation (400, 422) and a deleted workload (404) give the same answer however
 * often they are asked; a conflict (409), throttling (429), a server error or no answer at all
 * (status 0) may pass. Anything unlisted is retried: retrying is wrong only slowly, ending is
 * wrong for good.
 */
const permanent = new Set([400, 403, 404, 422]);

export function isPermanentFailure(status: number | undefined): boolean {
  return status !== undefined && permanent.has(status);
}
