/**
 * The few Kubernetes API calls the approval API makes, behind one small interface so its routes
 * can be tested in-process with an honest fake. The real implementation (src/kube/
 * create-approval-gateway.ts) acts as the hooks ServiceAccount; every call it makes on behalf of
 * a person is first authorized for that person with a SubjectAccessReview.
 */
import type { KubeObject } from "../../core/kube-object.ts";
import type { UpdateRequest, UpdateRequestStatus } from "../../core/updaterequests/update-request.ts";

/** Who a bearer token belongs to, as the apiserver's TokenReview says. */
export interface Identity {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** A SubjectAccessReview's resourceAttributes; `namespace` "" means every namespace. */
export interface AccessCheck {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace: string;
  readonly name?: string;
}

export interface AccessVerdict {
  readonly allowed: boolean;
  readonly reason?: string;
}

export interface ApprovalGateway {
  /** The token's owner, or undefined when the apiserver does not accept the token. */
  authenticate(token: string): Promise<Identity | undefined>;
  authorize(identity: Identity, check: AccessCheck): Promise<AccessVerdict>;
  /** Every UpdateRequest in `namespace`, or in all namespaces when it is undefined. */
  listUpdateRequests(namespace: string | undefined): Promise<UpdateRequest[]>;
  getUpdateRequest(namespace: string, name: string): Promise<UpdateRequest | undefined>;
  /**
   * A JSON merge patch of the status subresource, conditional on `resourceVersion`: a
   * GatewayError with status 409 when the object changed since it was read.
   */
  patchUpdateRequestStatus(
    namespace: string,
    name: string,
    resourceVersion: string,
    status: UpdateRequestStatus,
  ): Promise<UpdateRequest>;
  getDeployment(namespace: string, name: string): Promise<KubeObject | undefined>;
}
