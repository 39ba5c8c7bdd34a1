/** No parser throws, whatever JSON arrives: expected failures are values (style rule 7). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { webhookVendors } from "../../../../src/sidecar/webhooks/webhook-vendors.ts";

const headerRecord = fc.dictionary(
  fc.constantFrom("x-github-event", "x-github-delivery", "x-nexus-webhook-id", "x-headwind-delivery"),
  fc.oneof(fc.constantFrom("package", "registry_package", "rm:repository:component"), fc.string()),
);
// Vendor-shaped keys make the generator reach past the first field check.
const vendorKeys = fc.constantFrom(
  "events",
  "action",
  "target",
  "tag",
  "repository",
  "push_data",
  "type",
  "event_data",
  "data",
  "resources",
  "message",
  "detail",
  "detail-type",
  "domain",
  "event_type",
  "component",
  "package",
  "images",
  "updated_tags",
);
const vendorJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.jsonValue(),
    fc.dictionary(fc.oneof(vendorKeys, fc.string()), tie("value")),
    fc.array(tie("value"), { maxLength: 4 }),
  ),
})).value;

describe.each(Object.entries(webhookVendors))("%s parser on arbitrary input", (_vendor, spec) => {
  it("never throws and always answers events or an error", () => {
    fc.assert(
      fc.property(vendorJson, headerRecord, fc.option(fc.domain()), (body, headers, registry) => {
        const result = spec.parse(body, new Headers(headers), { registry: registry ?? undefined });
        expect(["events", "error"]).toContain(result.kind);
        if (result.kind === "events") {
          for (const event of result.events) expect(event.repository.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
