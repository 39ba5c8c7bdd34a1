import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createWebhookMetrics } from "../../../../src/sidecar/webhooks/create-webhook-metrics.ts";

describe("createWebhookMetrics", () => {
  it("registers both counters on the injected Registry only", async () => {
    const registry = new Registry();
    const metrics = createWebhookMetrics(registry);
    metrics.requests.inc({ vendor: "quay", source: "quay-prod", outcome: "accepted" });
    metrics.events.inc({ vendor: "quay" }, 2);
    const text = await registry.metrics();
    expect(text).toContain(
      'headwind_webhook_requests_total{vendor="quay",source="quay-prod",outcome="accepted"} 1',
    );
    expect(text).toContain('headwind_webhook_events_total{vendor="quay"} 2');
  });

  it("can be created twice on separate registries (no global state)", () => {
    expect(() => [createWebhookMetrics(new Registry()), createWebhookMetrics(new Registry())]).not.toThrow();
  });
});
