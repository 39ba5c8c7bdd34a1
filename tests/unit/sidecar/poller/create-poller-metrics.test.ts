import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createPollerMetrics } from "../../../../src/sidecar/poller/create-poller-metrics.ts";

describe("createPollerMetrics", () => {
  it("registers every metric on the given registry and feeds the registry counters from the observer", async () => {
    const register = new Registry();
    const metrics = createPollerMetrics(register);
    metrics.observer.request({ registry: "docker.io", kind: "tags", code: "200" });
    metrics.observer.request({ registry: "docker.io", kind: "token", code: "200" });
    metrics.observer.rateLimitWait({ registry: "docker.io", waitMs: 1000 });
    const text = await register.metrics();
    expect(text).toContain('headwind_registry_requests_total{registry="docker.io",kind="tags",code="200"} 1');
    expect(text).toContain(
      'headwind_registry_requests_total{registry="docker.io",kind="token",code="200"} 1',
    );
    expect(text).toContain('headwind_registry_rate_limit_waits_total{registry="docker.io"} 1');
    expect((await register.getMetricsAsJSON()).map((metric) => metric.name).sort()).toEqual([
      "headwind_polling_cycles_total",
      "headwind_polling_images_checked_total",
      "headwind_polling_tags_seen",
      "headwind_registry_errors_total",
      "headwind_registry_rate_limit_waits_total",
      "headwind_registry_requests_total",
    ]);
  });

  it("can be created twice on separate registries (no global state)", () => {
    expect(() => [createPollerMetrics(new Registry()), createPollerMetrics(new Registry())]).not.toThrow();
  });
});
