/**
 * The approval API's Kubernetes calls over the one transport (src/kube): TokenReview and
 * SubjectAccessReview to let the apiserver judge each caller (what kube-rbac-proxy does), the
 * UpdateRequest reads (paginated) and the conditional status merge patch.
 */
import type { KubeObject } from "../../core/kube-object.ts";
import { type UpdateRequest, urApiVersion } from "../../core/updaterequests/update-request.ts";
import { reviewAccess, reviewToken } from "../../kube/access-reviews.ts";
import { resourcePath } from "../../kube/api-paths.ts";
import type { KubeTransport } from "../../kube/create-kube-transport.ts";
import { getOrUndefined } from "../../kube/get-or-undefined.ts";
import { listCollection } from "../../kube/list-collection.ts";
import type { ApprovalGateway } from "./approval-gateway.ts";

const updateRequests = (namespace?: string) => ({
  apiVersion: urApiVersion,
  resource: "updaterequests",
  namespace,
});

export function createApprovalGateway(transport: KubeTransport): ApprovalGateway {
  return {
    authenticate: (token) => reviewToken(transport, token),
    authorize: (identity, check) => reviewAccess(transport, identity, check),
    async listUpdateRequests(namespace) {
      return (await listCollection<UpdateRequest>(transport, resourcePath(updateRequests(namespace)))).items;
    },
    getUpdateRequest: (namespace, name) =>
      getOrUndefined<UpdateRequest>(transport, resourcePath(updateRequests(namespace), name)),
    async patchUpdateRequestStatus(namespace, name, resourceVersion, status) {
      const query = new URLSearchParams({ fieldManager: "headwind-approval-api" });
      // metadata.resourceVersion in a merge patch makes it conditional: 409 if anyone wrote since.
      return (await transport({
        method: "PATCH",
        path: `${resourcePath(updateRequests(namespace), name, "status")}?${query}`,
        body: { metadata: { resourceVersion }, status },
        contentType: "application/merge-patch+json",
      })) as UpdateRequest;
    },
    getWorkload: (kind, namespace, name) =>
      getOrUndefined<KubeObject>(
        transport,
        resourcePath({ apiVersion: kind.apiVersion, resource: kind.resource, namespace }, name),
      ),
  };
}
