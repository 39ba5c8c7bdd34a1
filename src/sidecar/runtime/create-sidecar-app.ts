/**
 * The sidecar's HTTP face on :8080: the webhook receiver (`POST /webhooks/:path`), `GET /healthz`
 * (the process answers) and `GET /readyz` (200 once the first interest LIST succeeded and the
 * webhook config loaded, else 503 with the reasons). Duplicate deliveries are acknowledged with a
 * 202: delivery ids are not signed, and a 409 would wedge distribution's retry queue.
 */

import { Hono } from "hono";
import type { Logger } from "pino";
import type { Clock } from "../../core/time/clock.ts";
import type { GoogleKeySource } from "../webhooks/auth/create-google-key-source.ts";
import { createWebhookApp } from "../webhooks/create-webhook-app.ts";
import type { WebhookMetrics } from "../webhooks/create-webhook-metrics.ts";
import type { WebhookSource } from "../webhooks/webhook-source.ts";
import type { OnEvents } from "./create-event-ingest.ts";

export interface SidecarAppDeps {
  readonly sources: readonly WebhookSource[];
  readonly onEvents: OnEvents;
  /** Why the sidecar is not ready; empty when it is. */
  readonly readiness: () => readonly string[];
  /** Milliseconds since the epoch. */
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: WebhookMetrics;
  readonly googleKeys?: GoogleKeySource;
  readonly maxBodyBytes?: number;
}

export function createSidecarApp(deps: SidecarAppDeps): Hono {
  const webhooks = createWebhookApp({
    sources: deps.sources,
    onEvents: deps.onEvents,
    clock: deps.clock,
    logger: deps.logger,
    metrics: deps.metrics,
    replay: { duplicateStatus: 202 },
    ...(deps.googleKeys === undefined ? {} : { googleKeys: deps.googleKeys }),
    ...(deps.maxBodyBytes === undefined ? {} : { maxBodyBytes: deps.maxBodyBytes }),
  });
  const app = new Hono();
  app.get("/healthz", (c) => c.text("ok"));
  app.get("/readyz", (c) => {
    const reasons = deps.readiness();
    return reasons.length === 0 ? c.json({ ready: true }) : c.json({ ready: false, reasons }, 503);
  });
  app.route("/", webhooks);
  return app;
}
