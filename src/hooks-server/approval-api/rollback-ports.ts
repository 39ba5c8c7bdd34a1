/**
 * The calls of a person's rollback (core/updaterequests/request-rollback.ts), made with the
 * person's own token: the hooks ServiceAccount may not create UpdateRequests, and admission ties a
 * rollback to the user who creates it.
 */
import type { RollbackPorts } from "../../core/updaterequests/request-rollback.ts";
import type { UpdateRequest } from "../../core/updaterequests/update-request.ts";
import type { TargetKind } from "../../core/workloads/workload-kinds.ts";
import { reviewOwnAccess } from "../../kube/access-reviews.ts";
import { resourcePath } from "../../kube/api-paths.ts";
import type { KubeTransport } from "../../kube/create-kube-transport.ts";
import { createApprovalGateway } from "./create-approval-gateway.ts";

export interface RollbackTarget {
  readonly kind: TargetKind;
  readonly namespace: string;
  readonly name: string;
}

export function rollbackPorts(asPerson: KubeTransport, target: RollbackTarget): RollbackPorts {
  const gateway = createApprovalGateway(asPerson);
  const { kind, namespace, name } = target;
  return {
    getWorkload: () => gateway.getWorkload(kind, namespace, name),
    listUpdateRequests: () => gateway.listUpdateRequests(namespace),
    mayPatchWorkload: async () =>
      (
        await reviewOwnAccess(asPerson, {
          verb: "patch",
          group: kind.apiVersion.split("/")[0] ?? "",
          resource: kind.resource,
          namespace,
          name,
        })
      ).allowed,
    create: async (ur) =>
      (await asPerson({
        method: "POST",
        path: resourcePath({ apiVersion: ur.apiVersion, resource: "updaterequests", namespace }),
        body: ur,
      })) as UpdateRequest,
  };
}
