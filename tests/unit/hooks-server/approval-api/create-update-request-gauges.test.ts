// The UpdateRequest gauges, read at scrape time through an injected LIST: counts by phase, the
// oldest waiting approval, one LIST per scrape however many gauges read it, and an honest
// "unknown" (no counts, NaN age, an error counted) when the LIST fails.
import { Writable } from "node:stream";
import pino from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { UpdateRequest } from "../../../../src/core/updaterequests/update-request.ts";
import { createUpdateRequestGauges } from "../../../../src/hooks-server/approval-api/create-update-request-gauges.ts";

const now = Date.parse("2026-03-01T12:00:00Z");
const silent = pino({ level: "silent" }, new Writable({ write: (_c, _e, done) => done() }));

const ur = (name: string, phase: string, created: string): UpdateRequest =>
  ({
    apiVersion: "headwind.sh/v1alpha1",
    kind: "UpdateRequest",
    metadata: { name, namespace: "shop", creationTimestamp: created },
    spec: { approval: "Required" },
    status: { phase },
  }) as unknown as UpdateRequest;

function setUp(list: () => Promise<readonly UpdateRequest[]>) {
  const registry = new Registry();
  let calls = 0;
  createUpdateRequestGauges({
    registry,
    list: () => {
      calls += 1;
      return list();
    },
    clock: () => now,
    logger: silent,
  });
  return { registry, calls: () => calls };
}

describe("createUpdateRequestGauges", () => {
  it("reports the cluster's UpdateRequests by phase and the oldest waiting approval, with one LIST a scrape", async () => {
    const { registry, calls } = setUp(async () => [
      ur("a", "Pending", "2026-03-01T09:00:00Z"),
      ur("b", "Completed", "2026-02-01T00:00:00Z"),
    ]);
    const text = await registry.metrics();
    expect(text).toContain('headwind_updaterequests{phase="Pending"} 1');
    expect(text).toContain('headwind_updaterequests{phase="Completed"} 1');
    expect(text).toContain('headwind_updaterequests{phase="RolledBack"} 0');
    expect(text).toContain("headwind_pending_approval_oldest_seconds 10800");
    expect(text).toContain("headwind_updaterequests_list_errors_total 0");
    expect(calls()).toBe(1);
    await registry.metrics();
    expect(calls()).toBe(2);
  });

  it("follows the cluster between scrapes: an approved request no longer counts as waiting", async () => {
    let items = [ur("a", "Pending", "2026-03-01T11:00:00Z")];
    const { registry } = setUp(async () => items);
    expect(await registry.metrics()).toContain("headwind_pending_approval_oldest_seconds 3600");
    items = [ur("a", "Approved", "2026-03-01T11:00:00Z")];
    const text = await registry.metrics();
    expect(text).toContain("headwind_pending_approval_oldest_seconds 0");
    expect(text).toContain('headwind_updaterequests{phase="Pending"} 0');
  });

  it("when the LIST fails: no counts, an unknown age, the error counted, and the scrape still answers", async () => {
    let fail = false;
    const { registry } = setUp(async () => {
      if (fail) throw new Error("apiserver unavailable");
      return [ur("a", "Pending", "2026-03-01T11:00:00Z")];
    });
    await registry.metrics();
    fail = true;
    const text = await registry.metrics();
    expect(text).not.toMatch(/^headwind_updaterequests\{/m);
    // prom-client spells NaN "Nan"; Prometheus reads it case-insensitively.
    expect(text).toMatch(/^headwind_pending_approval_oldest_seconds nan$/im);
    expect(text).toContain("headwind_updaterequests_list_errors_total 1");
  });
});
