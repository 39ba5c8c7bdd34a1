/**
 * A person's rollback, made with their own credentials: read the workload, choose the image from
 * its history, ask the apiserver whether they may patch the workload themselves (then no approval
 * is needed), and create the UpdateRequest as them. Admission checks the same again on create, so
 * this code cannot grant anything the person lacks. Shared by the HTTP API and the dashboard.
 */
import {
  buildRollbackRequest,
  chooseRollback,
  type RollbackAsk,
} from "../../core/updaterequests/rollback-request.ts";
import { activePhases, phaseOf, type UpdateRequest } from "../../core/updaterequests/update-request.ts";
import type { WorkloadKind } from "../../core/workloads/workload-kinds.ts";
import { reviewOwnAccess } from "../../kube/access-reviews.ts";
import { resourcePath } from "../../kube/api-paths.ts";
import type { KubeTransport } from "../../kube/create-kube-transport.ts";
import { createApprovalGateway } from "./create-approval-gateway.ts";

export interface RollbackTarget {
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
}

export type RollbackOutcome =
  | { readonly result: "created"; readonly ur: UpdateRequest }
  | { readonly result: "not-found" | "invalid" | "conflict"; readonly error: string };

export interface RollbackRequest {
  /** The person's own credentials. */
  readonly asPerson: KubeTransport;
  readonly username: string;
  readonly target: RollbackTarget;
  readonly ask: RollbackAsk;
  readonly now: Date;
  readonly approvalTtlSeconds: number;
}

const isActive = (ur: UpdateRequest) => {
  const phase = phaseOf(ur);
  return phase === undefined || activePhases.includes(phase);
};

export async function requestRollback(request: RollbackRequest): Promise<RollbackOutcome> {
  const { asPerson, target } = request;
  const gateway = createApprovalGateway(asPerson);
  const workload = await gateway.getWorkload(target.kind, target.namespace, target.name);
  if (workload === undefined)
    return {
      result: "not-found",
      error: `${target.kind.kind} not found: ${target.namespace}/${target.name}`,
    };
  const choice = chooseRollback(workload, request.ask);
  if (!choice.ok) return { result: "invalid", error: choice.error };
  const running = (await gateway.listUpdateRequests(target.namespace)).find(
    (ur) =>
      ur.spec?.type === "rollback" &&
      ur.spec.targetRef?.kind === target.kind.kind &&
      ur.spec.targetRef.name === target.name &&
      ur.spec.containerName === choice.container.name &&
      isActive(ur),
  );
  if (running !== undefined)
    return {
      result: "conflict",
      error: `a rollback of container ${choice.container.name} is already under way: ${running.metadata.name}`,
    };
  const mayPatch = await reviewOwnAccess(asPerson, {
    verb: "patch",
    group: target.kind.apiVersion.split("/")[0] ?? "",
    resource: target.kind.resource,
    namespace: target.namespace,
    name: target.name,
  });
  const ur = buildRollbackRequest({
    workload,
    container: choice.container,
    image: choice.image,
    requestedBy: request.username,
    approval: mayPatch.allowed ? "Automatic" : "Required",
    now: request.now,
    approvalTtlSeconds: request.approvalTtlSeconds,
  });
  if ("error" in ur) return { result: "invalid", error: ur.error };
  const path = resourcePath({
    apiVersion: ur.apiVersion,
    resource: "updaterequests",
    namespace: target.namespace,
  });
  const created = (await asPerson({ method: "POST", path, body: ur })) as UpdateRequest;
  return { result: "created", ur: created };
}
