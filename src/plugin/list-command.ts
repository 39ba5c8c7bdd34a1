/**
 * `kubectl headwind list`: UpdateRequests, those waiting for a person first, across namespaces
 * unless `-n` narrows it. Someone who may not list cluster-wide gets their context's namespace,
 * with a note saying so.
 */
import { activePhases, phaseOf, type UpdateRequest } from "../core/updaterequests/update-request.ts";
import { kubeStatus } from "../kube/kube-api-error.ts";
import { listUpdateRequests } from "./cluster-reads.ts";
import type { CommandContext, CommandResult } from "./command.ts";
import { formatAge } from "./format-table.ts";

function rank(ur: UpdateRequest): number {
  const phase = phaseOf(ur) ?? "Pending";
  if (phase === "Pending") return 0;
  return activePhases.includes(phase) ? 1 : 2;
}

export function decidedBy(ur: UpdateRequest): string {
  return ur.status?.approvedBy ?? ur.status?.rejectedBy ?? ur.spec.requestedBy ?? "";
}

export function orderForPeople(urs: readonly UpdateRequest[]): UpdateRequest[] {
  return [...urs].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "") ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
}

export async function listCommand(ctx: CommandContext): Promise<CommandResult> {
  const notes: string[] = [];
  let urs: UpdateRequest[];
  if (ctx.namespaceGiven && !ctx.allNamespaces) urs = await listUpdateRequests(ctx.client, ctx.namespace);
  else {
    try {
      urs = await listUpdateRequests(ctx.client);
    } catch (error) {
      if (kubeStatus(error) !== 403 || ctx.allNamespaces) throw error;
      notes.push(`you may not list updaterequests in all namespaces; showing namespace ${ctx.namespace}`);
      urs = await listUpdateRequests(ctx.client, ctx.namespace);
    }
  }
  const wanted = ctx.options.phase?.toLowerCase();
  const shown = orderForPeople(urs).filter(
    (ur) => !wanted || (phaseOf(ur) ?? "Pending").toLowerCase() === wanted,
  );
  return {
    data: { apiVersion: "v1", kind: "List", items: shown },
    notes,
    table: {
      headers: ["namespace", "name", "type", "target", "container", "current", "new", "phase", "age", "by"],
      rows: shown.map((ur) => [
        ur.metadata.namespace ?? "",
        ur.metadata.name,
        ur.spec.type ?? "update",
        `${ur.spec.targetRef.kind.toLowerCase()}/${ur.spec.targetRef.name}`,
        ur.spec.containerName,
        ur.spec.currentImage,
        ur.spec.newImage,
        phaseOf(ur) ?? "Pending",
        formatAge(ur.metadata.creationTimestamp, ctx.now),
        decidedBy(ur),
      ]),
    },
  };
}
