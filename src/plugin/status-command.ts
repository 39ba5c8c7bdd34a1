/**
 * `kubectl headwind status`: is Metacontroller running (its leader Lease renewed recently, or its
 * workload ready), are both DecoratorControllers installed, and when did the sidecar last poll
 * each repository. Each question the user may not ask is answered with what right is missing.
 */
import type { KubeObject } from "../core/kube-object.ts";
import { parsePollStatus, pollStatusName } from "../core/tags/poll-status.ts";
import { resourcePath } from "../kube/api-paths.ts";
import { getOrUndefined } from "../kube/get-or-undefined.ts";
import { kubeStatus } from "../kube/kube-api-error.ts";
import type { CommandContext, CommandResult } from "./command.ts";
import { formatAge } from "./format-table.ts";

const controllers = ["headwind-workloads", "headwind-updaterequests"];

type Row = [component: string, status: string, detail: string];

async function ask<T>(what: string, read: () => Promise<T>): Promise<T | Row> {
  try {
    return await read();
  } catch (error) {
    if (kubeStatus(error) === 403)
      return [what, "unknown", `you may not read it: ${(error as Error).message}`];
    throw error;
  }
}

const isRow = (value: unknown): value is Row => Array.isArray(value);

/** A leader Lease renewed within twice its duration means a running Metacontroller. */
function leaseRow(lease: KubeObject | undefined, now: number): Row | undefined {
  const spec = (lease?.spec ?? {}) as {
    holderIdentity?: string;
    renewTime?: string;
    leaseDurationSeconds?: number;
  };
  if (!spec.renewTime) return undefined;
  const age = (now - Date.parse(spec.renewTime)) / 1000;
  const fresh = age <= (spec.leaseDurationSeconds ?? 15) * 2;
  const detail = `leader ${spec.holderIdentity ?? "?"}, lease renewed ${formatAge(spec.renewTime, now)} ago`;
  return ["metacontroller", fresh ? "running" : "stale", detail];
}

async function metacontroller(ctx: CommandContext): Promise<Row> {
  const get = (apiVersion: string, resource: string) =>
    getOrUndefined<KubeObject>(
      ctx.client.transport,
      resourcePath({ apiVersion, resource, namespace: ctx.metacontrollerNamespace }, "metacontroller"),
    );
  const lease = await ask("metacontroller", () => get("coordination.k8s.io/v1", "leases"));
  if (isRow(lease)) return lease;
  const fromLease = leaseRow(lease, ctx.now);
  if (fromLease !== undefined) return fromLease;
  for (const resource of ["statefulsets", "deployments"]) {
    const workload = await ask("metacontroller", () => get("apps/v1", resource));
    if (isRow(workload)) return workload;
    if (workload !== undefined) {
      const status = (workload.status ?? {}) as { readyReplicas?: number };
      const ready = status.readyReplicas ?? 0;
      return [
        "metacontroller",
        ready > 0 ? "running" : "not ready",
        `${resource}/metacontroller: ${ready} ready`,
      ];
    }
  }
  return [
    "metacontroller",
    "not found",
    `no Lease or workload metacontroller in namespace ${ctx.metacontrollerNamespace}`,
  ];
}

async function decoratorController(ctx: CommandContext, name: string): Promise<Row> {
  const path = resourcePath(
    { apiVersion: "metacontroller.k8s.io/v1alpha1", resource: "decoratorcontrollers" },
    name,
  );
  const found = await ask(name, async () => {
    try {
      return await getOrUndefined<KubeObject>(ctx.client.transport, path);
    } catch (error) {
      // The type itself is missing when Metacontroller's CRDs are not installed.
      if (kubeStatus(error) === 404) return undefined;
      throw error;
    }
  });
  if (isRow(found)) return found;
  return found === undefined
    ? [name, "missing", "DecoratorController not installed (kubectl apply -k hooks/)"]
    : [
        name,
        "present",
        `DecoratorController, created ${formatAge(found.metadata.creationTimestamp, ctx.now)} ago`,
      ];
}

export async function statusCommand(ctx: CommandContext): Promise<CommandResult> {
  const rows: Row[] = [await metacontroller(ctx)];
  for (const name of controllers) rows.push(await decoratorController(ctx, name));
  const path = resourcePath(
    { apiVersion: "v1", resource: "configmaps", namespace: ctx.headwindNamespace },
    pollStatusName,
  );
  const configMap = await ask("sidecar polling", () =>
    getOrUndefined<KubeObject>(ctx.client.transport, path),
  );
  const polls = isRow(configMap) || configMap === undefined ? [] : parsePollStatus(configMap);
  if (isRow(configMap)) rows.push(configMap);
  else if (polls.length === 0) rows.push(["sidecar polling", "unknown", "no poll recorded yet"]);
  for (const poll of polls)
    rows.push([
      `poll ${poll.repository}`,
      poll.result === "ok" ? "ok" : "failed",
      `${formatAge(poll.polledAt, ctx.now)} ago${poll.result === "ok" ? "" : `: ${poll.result}`}`,
    ]);
  return {
    data: { components: rows.map(([component, status, detail]) => ({ component, status, detail })), polls },
    table: { headers: ["component", "status", "detail"], rows },
  };
}
