/**
 * Runs the workloads decision and its Events, and records what it did. The Events get at most 5 s
 * (or the effect budget, if smaller): the workloads hook times out after 10 s.
 */
import type { Logger } from "pino";
import type { DecoratorSyncRequest, DecoratorSyncResponse } from "../metacontroller/wire.ts";
import { syncWorkload } from "../workloads/sync-workload.ts";
import type { HooksAppDeps } from "./hooks-app-deps.ts";

export async function runWorkloadSync(
  request: DecoratorSyncRequest,
  deps: Pick<HooksAppDeps, "clock" | "settings" | "execute" | "metrics" | "readTags">,
  log: Logger,
): Promise<DecoratorSyncResponse> {
  const decision = syncWorkload(request, deps.clock(), deps.settings, deps.readTags);
  const kind = request.object.kind;
  const budget = AbortSignal.timeout(Math.min(deps.settings.effectBudgetMs, 5_000));
  const outcomes = await deps.execute(decision.effects, budget);
  for (const outcome of outcomes) deps.metrics.effects.inc({ type: "event", result: outcome.result });
  deps.metrics.annotationErrors.inc({ kind }, decision.report.errors.length);
  deps.metrics.proposed.inc({ kind }, decision.report.proposed.length);
  deps.metrics.deferred.inc({ kind }, decision.report.deferred.length);
  deps.metrics.invalidTags.inc(decision.report.droppedTags);
  const { namespace, name } = request.object.metadata;
  log.info({ workload: `${kind} ${namespace}/${name}`, ...decision.report }, "workload synced");
  return decision.response;
}
