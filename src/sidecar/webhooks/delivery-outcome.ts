/** How one webhook delivery ended: the HTTP answer, the metric outcome and the log fields. */
import type { WebhookOutcome } from "./create-webhook-metrics.ts";

export interface DeliveryOutcome {
  readonly outcome: WebhookOutcome;
  readonly status: 202 | 400 | 401 | 404 | 409 | 413 | 415 | 503;
  readonly body: Record<string, unknown>;
  /** Extra log fields: reasons and counts, never secrets or payloads. */
  readonly log?: Record<string, unknown>;
}

/** A refusal answers `{error}`; the same text goes to the log as `reason` unless a finer one is given. */
export function refuse(
  outcome: WebhookOutcome,
  status: DeliveryOutcome["status"],
  error: string,
  log?: Record<string, unknown>,
): DeliveryOutcome {
  return { outcome, status, body: { error }, log: { reason: error, ...log } };
}

/** Keeps vendor-supplied text short in logs. */
export function clip(text: string | undefined): string | undefined {
  return text === undefined || text.length <= 200 ? text : `${text.slice(0, 200)}…`;
}

/** Accepted is routine, a refusal is worth a look, a failure of ours is an error. */
export function logLevelOf(outcome: WebhookOutcome): "info" | "warn" | "error" {
  if (outcome === "accepted") return "info";
  return outcome === "unavailable" ? "error" : "warn";
}
