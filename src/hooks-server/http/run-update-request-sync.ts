/**
 * Runs the UpdateRequest decision: patches first (a failure throws, so the hook answers 5xx and
 * Metacontroller retries), then the outcome folded into the status, then the notifications and
 * Events of the transition actually recorded (undelivered ones are counted, never fatal).
 */
import type { Logger } from "pino";
import type { UpdateRequest } from "../../core/updaterequests/update-request.ts";
import type { DecoratorSyncRequest, DecoratorSyncResponse } from "../metacontroller/wire.ts";
import { applyOutcomes } from "../updaterequests/apply-outcomes.ts";
import { syncUpdateRequest } from "../updaterequests/sync-update-request.ts";
import { transitionEffects } from "../updaterequests/transition-effects.ts";
import type { HooksAppDeps } from "./hooks-app-deps.ts";

export async function runUpdateRequestSync(
  request: DecoratorSyncRequest,
  deps: Pick<HooksAppDeps, "clock" | "execute" | "metrics" | "settings">,
  log: Logger,
): Promise<DecoratorSyncResponse> {
  const ur = request.object as UpdateRequest;
  const decided = syncUpdateRequest(request, deps.clock(), deps.settings);
  const outcomes = await deps.execute(decided.effects);
  const decision = applyOutcomes(decided, outcomes);
  const followUps = transitionEffects(ur, decision.status);
  const delivered = await deps.execute(followUps);
  for (const outcome of [...outcomes, ...delivered]) {
    const type = [...decided.effects, ...followUps].find((e) => e.key === outcome.key)?.type ?? "unknown";
    deps.metrics.effects.inc({ type, result: outcome.result });
    if (outcome.result === "undelivered")
      log.warn({ key: outcome.key, reason: outcome.message }, "effect not delivered");
  }
  const phase = decision.status?.phase;
  if (phase !== undefined && phase !== ur.status?.phase) {
    deps.metrics.transitions.inc({ phase });
    log.info(
      {
        updateRequest: `${ur.metadata.namespace}/${ur.metadata.name}`,
        from: ur.status?.phase,
        to: phase,
        message: decision.status?.message,
      },
      "update request moved",
    );
  }
  return {
    status: decision.status as Record<string, unknown> | null,
    attachments: [],
    ...(decision.resyncAfterSeconds ? { resyncAfterSeconds: decision.resyncAfterSeconds } : {}),
  };
}
