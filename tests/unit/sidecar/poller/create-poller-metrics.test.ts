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
    metrics.observer.invalidReference({ registry: "docker.io", kind: "tag", count: 3 });
    metrics.observer.tokenCache({ entries: 2, bytes: 900 });
    const text = await register.metrics();
    expect(text).toContain('headwind_registry_requests_total{registry="docker.io",kind="tags",code="200"} 1');
    expect(text).toContain(
      'headwind_registry_requests_total{registry="docker.io",kind="token",code="200"} 1',
    );
    expect(text).toContain('headwind_registry_rate_limit_waits_total{registry="docker.io"} 1');
    expect(text).toContain('headwind_registry_invalid_references_total{registry="docker.io",kind="tag"} 3');
    expect(text).toContain("headwind_registry_token_cache_entries 2");
    expect(text).toContain("headwind_registry_token_cache_bytes 900");
    expect((await register.getMetricsAsJSON()).map((metric) => metric.name).sort()).toEqual([
      "headwind_polling_cycles_total",
      "headwind_polling_images_checked_total",
      "headwind_polling_tags_seen",
      "headwind_registry_errors_total",
      "headwind_registry_invalid_references_total",
      "headwind_registry_rate_limit_waits_total",
      "headwind_registry_requests_total",
      "headwind_registry_token_cache_bytes",
      "headwind_registry_token_cache_entries",
    ]);
  });

  it("can be created twice on separate registries (no global state)", () => {
    expect(() => [createPollerMetrics(new Registry()), createPollerMetrics(new Registry())]).not.toThrow();
  });
});
