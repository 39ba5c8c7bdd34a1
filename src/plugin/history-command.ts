/** `kubectl headwind history KIND/NAME`: what Headwind (and people's rollbacks) ran, newest first. */
import { annotations } from "../core/metadata-keys.ts";
import { parseHistory } from "../core/updaterequests/update-history.ts";
import { readWorkload } from "./cluster-reads.ts";
import type { CommandContext, CommandResult } from "./command.ts";
import { formatAge } from "./format-table.ts";
import { parseTargetArgument } from "./workload-argument.ts";

export async function historyCommand(ctx: CommandContext): Promise<CommandResult> {
  const target = parseTargetArgument(ctx.args);
  const workload = await readWorkload(ctx.client, ctx.namespace, target);
  const entries = parseHistory(workload.metadata.annotations?.[annotations.updateHistory])
    .filter((e) => !ctx.options.container || e.container === ctx.options.container)
    .sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  return {
    data: { entries },
    ...(entries.length === 0 ? { notes: [`${target.kind.kind} ${target.name} has no history yet`] } : {}),
    table: {
      headers: ["age", "container", "image", "previous", "type", "by", "updaterequest"],
      rows: entries.map((e) => [
        formatAge(e.timestamp, ctx.now),
        e.container,
        e.image,
        e.previousImage ?? "",
        e.type ?? "update",
        e.approvedBy ?? "",
        e.updateRequestName ?? "",
      ]),
    },
  };
}
