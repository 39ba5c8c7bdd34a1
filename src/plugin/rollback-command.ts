/**
 * `kubectl headwind rollback KIND/NAME [--container C] [--to IMAGE]`: creates the rollback
 * UpdateRequest as the user (KIND a workload kind or helmrelease, whose IMAGE is a chart version). It applies at once when the user may patch the workload; otherwise it
 * waits, like any update, for someone who may approve it.
 */

import type { KubeObject } from "../core/kube-object.ts";
import { requestRollback } from "../core/updaterequests/request-rollback.ts";
import type { UpdateRequest } from "../core/updaterequests/update-request.ts";
import { reviewOwnAccess } from "../kube/access-reviews.ts";
import { resourcePath } from "../kube/api-paths.ts";
import { getOrUndefined } from "../kube/get-or-undefined.ts";
import { listUpdateRequests, updateRequestsIn } from "./cluster-reads.ts";
import { type CommandContext, type CommandResult, UsageError } from "./command.ts";
import { parseTargetArgument } from "./workload-argument.ts";

/** The hooks server's default (HEADWIND_APPROVAL_TTL_SECONDS): a rollback waits as long as an update. */
const approvalTtlSeconds = 86_400;

export async function rollbackCommand(ctx: CommandContext): Promise<CommandResult> {
  const target = parseTargetArgument(ctx.args);
  const { client, namespace } = ctx;
  const kind = target.kind;
  const outcome = await requestRollback(
    {
      getWorkload: () =>
        getOrUndefined<KubeObject>(
          client.transport,
          resourcePath({ apiVersion: kind.apiVersion, resource: kind.resource, namespace }, target.name),
        ),
      listUpdateRequests: () => listUpdateRequests(client, namespace),
      mayPatchWorkload: async () =>
        (
          await reviewOwnAccess(client.transport, {
            verb: "patch",
            group: kind.apiVersion.split("/")[0] ?? "",
            resource: kind.resource,
            namespace,
            name: target.name,
          })
        ).allowed,
      create: async (ur) =>
        (await client.transport({
          method: "POST",
          path: updateRequestsIn(namespace),
          body: ur,
        })) as UpdateRequest,
    },
    {
      what: `${kind.kind} ${namespace}/${target.name}`,
      username: await client.whoAmI(),
      ask: { container: ctx.options.container, to: ctx.options.to },
      now: ctx.now,
      approvalTtlSeconds,
    },
  );
  if (outcome.result !== "created") throw new UsageError(outcome.error);
  const { metadata, spec } = outcome.ur;
  const how =
    spec.approval === "Automatic"
      ? "applies now (you may patch the workload)"
      : "waits for approval (you may not patch the workload yourself)";
  return {
    data: outcome.ur,
    text: `updaterequest.headwind.sh/${metadata.name} created: ${spec.containerName} ${spec.currentImage} -> ${spec.newImage}, ${how}`,
  };
}
