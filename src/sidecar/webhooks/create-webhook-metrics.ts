/** The receiver's metrics, registered on the Registry the composition root passes in. */
import { Counter, type Registry } from "prom-client";

export const webhookOutcomes = [
  "accepted",
  "not_found",
  "unauthorized",
  "replay",
  "too_large",
  "unsupported_media_type",
  "bad_request",
  "unavailable",
] as const;

export type WebhookOutcome = (typeof webhookOutcomes)[number];

export interface WebhookMetrics {
  readonly requests: Counter<"vendor" | "source" | "outcome">;
  /** Keeps the original Headwind name; counts events received (before the registry confirms them). */
  readonly events: Counter<"vendor">;
  /** Payload entries dropped for breaking the OCI grammar (a tag with a newline, a short digest, …). */
  readonly invalid: Counter<"vendor">;
}

export function createWebhookMetrics(registry: Registry): WebhookMetrics {
  return {
    requests: new Counter({
      name: "headwind_webhook_requests_total",
      help: "Webhook requests by vendor, source and outcome",
      labelNames: ["vendor", "source", "outcome"],
      registers: [registry],
    }),
    events: new Counter({
      name: "headwind_webhook_events_total",
      help: "Image events received through webhooks (hints, confirmed against the registry before use)",
      labelNames: ["vendor"],
      registers: [registry],
    }),
    invalid: new Counter({
      name: "headwind_webhook_invalid_references_total",
      help: "Webhook payload entries dropped unrecorded because a name, tag or digest breaks the OCI grammar",
      labelNames: ["vendor"],
      registers: [registry],
    }),
  };
}
