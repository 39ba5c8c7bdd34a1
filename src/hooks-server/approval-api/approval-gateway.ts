/**
 * The few Kubernetes API calls the approval API makes, behind one small interface so its routes
 * can be tested in-process with an honest fake. The real implementation (create-approval-gateway.ts)
 * sends them over whichever transport it is given: the hooks ServiceAccount's for the approval API,
 * whose every call on behalf of a person is first authorized for that person with a
 * SubjectAccessReview, or a person's own for the dashboard. Failures are KubeApiErrors.
 */
import type { KubeObject } from "../../core/kube-object.ts";
import type { UpdateRequest, UpdateRequestStatus } from "../../core/updaterequests/update-request.ts";
import type { TargetKind } from "../../core/workloads/workload-kinds.ts";
import type { AccessCheck, AccessVerdict, Identity } from "../../kube/access-reviews.ts";

export type { AccessCheck, AccessVerdict, Identity };

export interface ApprovalGateway {
  /** The token's owner, or undefined when the apiserver does not accept the token. */
  authenticate(token: string): Promise<Identity | undefined>;
  authorize(identity: Identity, check: AccessCheck): Promise<AccessVerdict>;
  /** Every UpdateRequest in `namespace`, or in all namespaces when it is undefined. */
  listUpdateRequests(namespace: string | undefined): Promise<UpdateRequest[]>;
  getUpdateRequest(namespace: string, name: string): Promise<UpdateRequest | undefined>;
  /**
   * A JSON merge patch of the status subresource, conditional on `resourceVersion`: a
   * KubeApiError with status 409 when the object changed since it was read.
   */
  patchUpdateRequestStatus(
    namespace: string,
    name: string,
    resourceVersion: string,
    status: UpdateRequestStatus,
  ): Promise<UpdateRequest>;
  getWorkload(kind: TargetKind, namespace: string, name: string): Promise<KubeObject | undefined>;
}
