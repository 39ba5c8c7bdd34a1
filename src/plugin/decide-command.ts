/**
 * `kubectl headwind approve NAME` and `reject NAME --reason TEXT`: exactly the status patch the
 * README shows for kubectl, recorded under the user's own name, conditional on the version read so
 * a concurrent decision or hook update is never overwritten.
 */
import {
  type ApprovalAction,
  decideApproval,
  personalStatus,
} from "../core/updaterequests/decide-approval.ts";
import type { UpdateRequest } from "../core/updaterequests/update-request.ts";
import { getOrUndefined } from "../kube/get-or-undefined.ts";
import { kubeStatus } from "../kube/kube-api-error.ts";
import { updateRequestsIn } from "./cluster-reads.ts";
import { type CommandContext, type CommandResult, UsageError } from "./command.ts";

export async function decideCommand(ctx: CommandContext, action: ApprovalAction): Promise<CommandResult> {
  const [name, ...extra] = ctx.args;
  if (!name || extra.length > 0)
    throw new UsageError(`usage: kubectl headwind ${action} NAME [-n NAMESPACE]`);
  const path = `${updateRequestsIn(ctx.namespace)}/${encodeURIComponent(name)}`;
  const ur = await getOrUndefined<UpdateRequest>(ctx.client.transport, path);
  if (ur === undefined) throw new UsageError(`no UpdateRequest ${name} in namespace ${ctx.namespace}`);
  const by = await ctx.client.whoAmI();
  const decision = decideApproval(ur, action, { by, reason: ctx.options.reason }, ctx.now);
  if (!decision.ok) throw new UsageError(decision.error);
  let written: UpdateRequest;
  try {
    written = (await ctx.client.transport({
      method: "PATCH",
      path: `${path}/status?fieldManager=kubectl-headwind`,
      body: {
        metadata: { resourceVersion: ur.metadata.resourceVersion },
        status: personalStatus(decision.status),
      },
      contentType: "application/merge-patch+json",
    })) as UpdateRequest;
  } catch (error) {
    if (kubeStatus(error) === 409)
      throw new UsageError(`UpdateRequest ${name} changed while you were deciding; look again and retry`);
    throw error;
  }
  const verb = action === "approve" ? "approved" : "rejected";
  return { data: written, text: `updaterequest.headwind.sh/${name} ${verb} by ${by}` };
}
