/** The reads several plugin commands share, over the user's own transport. */
import type { KubeObject } from "../core/kube-object.ts";
import { type UpdateRequest, urApiVersion } from "../core/updaterequests/update-request.ts";
import type { TargetKind } from "../core/workloads/workload-kinds.ts";
import { resourcePath } from "../kube/api-paths.ts";
import { getOrUndefined } from "../kube/get-or-undefined.ts";
import { listCollection } from "../kube/list-collection.ts";
import { UsageError } from "./command.ts";
import type { PluginClient } from "./plugin-client.ts";
import type { WorkloadArgument } from "./workload-argument.ts";

export const updateRequestsIn = (namespace?: string) =>
  resourcePath({ apiVersion: urApiVersion, resource: "updaterequests", namespace });

export async function listUpdateRequests(client: PluginClient, namespace?: string): Promise<UpdateRequest[]> {
  return (await listCollection<UpdateRequest>(client.transport, updateRequestsIn(namespace))).items;
}

export async function readWorkload(
  client: PluginClient,
  namespace: string,
  target: WorkloadArgument<TargetKind>,
): Promise<KubeObject> {
  const path = resourcePath(
    { apiVersion: target.kind.apiVersion, resource: target.kind.resource, namespace },
    target.name,
  );
  const workload = await getOrUndefined<KubeObject>(client.transport, path);
  if (workload === undefined)
    throw new UsageError(`${target.kind.kind} ${namespace}/${target.name} not found`);
  return workload;
}
