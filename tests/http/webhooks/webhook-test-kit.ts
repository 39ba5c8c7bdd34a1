/**
 * Builds the webhook app with honest in-memory sinks: a log collector, a fresh prom-client
 * Registry, a settable clock and an `onEvents` that records (or fails on demand).
 */
import pino from "pino";
import { Registry } from "prom-client";
import type { GoogleKeySource } from "../../../src/sidecar/webhooks/auth/create-google-key-source.ts";
import { createWebhookApp } from "../../../src/sidecar/webhooks/create-webhook-app.ts";
import { createWebhookMetrics } from "../../../src/sidecar/webhooks/create-webhook-metrics.ts";
import type { ImageEvent } from "../../../src/sidecar/webhooks/vendors/image-event.ts";
import type { WebhookSource } from "../../../src/sidecar/webhooks/webhook-source.ts";

export interface KitOptions {
  readonly sources: readonly WebhookSource[];
  readonly maxBodyBytes?: number;
  readonly now?: number;
  readonly googleKeys?: GoogleKeySource;
}

export interface Delivery {
  readonly events: ImageEvent[];
  readonly source: string;
}

export function createWebhookKit({ sources, maxBodyBytes, now = 1_767_225_600_000, googleKeys }: KitOptions) {
  const logs: Record<string, unknown>[] = [];
  const logText: string[] = [];
  const logger = pino(
    { level: "debug", base: undefined },
    {
      write(line: string) {
        logText.push(line);
        logs.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  const registry = new Registry();
  const time = { now };
  const deliveries: Delivery[] = [];
  const downstream = { failing: false };
  const app = createWebhookApp({
    sources,
    logger,
    clock: () => time.now,
    metrics: createWebhookMetrics(registry),
    onEvents: async (events, source) => {
      if (downstream.failing) throw new Error("ConfigMap write failed: connection refused");
      deliveries.push({ events, source });
    },
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
    ...(googleKeys === undefined ? {} : { googleKeys }),
  });

  function post(
    path: string,
    body: string | Uint8Array,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return Promise.resolve(
      app.request(`/webhooks/${path}`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json", ...headers },
      }),
    );
  }

  /** The `headwind_webhook_*` sample lines, without HELP/TYPE. */
  async function metricLines(): Promise<string[]> {
    const text = await registry.metrics();
    return text.split("\n").filter((line) => line.startsWith("headwind_webhook_"));
  }

  return { app, post, logs, logText, registry, time, deliveries, downstream, metricLines };
}
