import { describe, expect, it } from "vitest";
import { parseNexusWebhook } from "../../../../../src/sidecar/webhooks/vendors/parse-nexus-webhook.ts";
import { headersOf, loadWebhookFixture } from "../load-webhook-fixture.ts";

const options = { registry: "nexus.acme.example:8082" };
const delivery = "ba1ffd5b-f8ba-4bd3-a8c6-3a4d8fb1b6a2";

describe("parseNexusWebhook", () => {
  // columns: fixture | X-Nexus-Webhook-Id | events | ignored
  it.each([
    ["component-created", "rm:repository:component", ["nexus.acme.example:8082/apps/web:1.4.2"], []],
    ["component-deleted", "rm:repository:component", [], ["action DELETED is not a create"]],
    ["component-created-npm", "rm:repository:component", [], ["component format npm is not docker"]],
    ["asset-created", "rm:repository:asset", [], ["webhook rm:repository:asset is not a component event"]],
  ])("%s (%s) → %j", (fixture, kind, expected, ignored) => {
    const headers = headersOf({ "X-Nexus-Webhook-Id": kind, "X-Nexus-Webhook-Delivery": delivery });
    const result = parseNexusWebhook(loadWebhookFixture("nexus", fixture), headers, options);
    if (result.kind !== "events") throw new Error(result.message);
    expect(result.events.map((e) => `${e.registry}/${e.repository}:${e.tag}`)).toEqual(expected);
    expect(result.ignored).toEqual(ignored);
    expect(result.deliveryId).toBe(delivery);
  });

  it.each([
    ["no action", {}, options, "missing action"],
    ["no component", { action: "CREATED" }, options, "missing component"],
    [
      "no version",
      { action: "CREATED", component: { format: "docker", name: "a" } },
      options,
      "missing component.name or component.version",
    ],
    [
      "no configured registry",
      { action: "CREATED", component: { format: "docker", name: "a", version: "1" } },
      {},
      "no registry configured for the Nexus source",
    ],
  ])("rejects a payload with %s", (_case, body, parseOptions, message) => {
    expect(parseNexusWebhook(body, headersOf(), parseOptions)).toEqual({ kind: "error", message });
  });
});
