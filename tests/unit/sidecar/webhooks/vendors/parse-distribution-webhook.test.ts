import { describe, expect, it } from "vitest";
import { parseDistributionWebhook } from "../../../../../src/sidecar/webhooks/vendors/parse-distribution-webhook.ts";
import { headersOf, loadWebhookFixture } from "../load-webhook-fixture.ts";

const d4 = "sha256:3664ff72d77d65f55a30669fb869c7e66755f9ec56468afa373858f3b4fa0fce";
const d5 = "sha256:73de7212bf666918f494e2b251b6c6495998b37936977242d56759b419134b23";
const d1 = "sha256:a8099506674b6a71757819953346da3b4736e502aca77a491e118913a0138854";
const d2 = "sha256:9ef25e9373d2d191b60f0b60816be55c09e494227c4fab9544f391f2dcebb548";

describe("parseDistributionWebhook", () => {
  // columns: vendor dir | fixture | events | ignored count
  it.each([
    ["distribution", "push", [`registry.acme.example/apps/web:1.4.2@${d4}`], 0],
    // blob, two per-platform manifests pushed by digest (hints all the same), then the tagged index
    [
      "distribution",
      "push-multi-arch",
      [
        `registry.acme.example/apps/web:undefined@${d1}`,
        `registry.acme.example/apps/web:undefined@${d2}`,
        `registry.acme.example/apps/web:1.4.2@${d5}`,
      ],
      1,
    ],
    ["distribution", "pull", [], 1],
    ["distribution", "delete", [], 1],
    ["gitlab", "push", [`registry.gitlab.acme.example/platform/web/api:1.4.2@${d5}`], 0],
    ["gitlab", "pull", [], 1],
  ])("%s/%s → %j", (dir, fixture, expected, ignored) => {
    const result = parseDistributionWebhook(loadWebhookFixture(dir, fixture), headersOf());
    if (result.kind !== "events") throw new Error(result.message);
    expect(result.events.map((e) => `${e.registry}/${e.repository}:${e.tag}@${e.digest}`)).toEqual(expected);
    expect(result.ignored).toHaveLength(ignored);
  });

  it("says why each event was left out", () => {
    const result = parseDistributionWebhook(
      loadWebhookFixture("distribution", "push-multi-arch"),
      headersOf(),
    );
    expect(result.kind === "events" && result.ignored).toEqual([
      "events[0]: media type application/vnd.oci.image.layer.v1.tar+gzip is not a manifest",
    ]);
  });

  it("uses every event id as the delivery id", () => {
    const result = parseDistributionWebhook(loadWebhookFixture("distribution", "push"), headersOf());
    expect(result.kind === "events" && result.deliveryId).toBe("e3e8882d-65cb-4d26-bb35-f033f1f3c46d");
  });

  it("labels events with the vendor that sent the envelope", () => {
    const result = parseDistributionWebhook(loadWebhookFixture("gitlab", "push"), headersOf(), {}, "gitlab");
    expect(result.kind === "events" && result.events[0]?.vendor).toBe("gitlab");
  });

  it("prefers the configured registry over request.host (an internal Host header)", () => {
    const result = parseDistributionWebhook(loadWebhookFixture("distribution", "push"), headersOf(), {
      registry: "registry.public.example",
    });
    expect(result.kind === "events" && result.events[0]?.registry).toBe("registry.public.example");
  });

  it("ignores a push without request.host when no registry is configured", () => {
    const body = { events: [{ action: "push", target: { repository: "a/b", tag: "1" } }] };
    expect(parseDistributionWebhook(body, headersOf())).toEqual({
      kind: "events",
      events: [],
      ignored: ["events[0]: missing request.host"],
      invalid: [],
    });
  });

  it("drops and reports a tag or digest outside the OCI grammar", () => {
    const push = (target: Record<string, string>) => ({
      action: "push",
      target: { repository: "a/b", ...target },
      request: { host: "r.example" },
    });
    const body = {
      events: [
        push({ tag: "1.0\n9.9.9" }),
        push({ tag: "x".repeat(129) }),
        push({ tag: "1.0", digest: "sha256:abc" }),
        push({ tag: "1.1" }),
      ],
    };
    const result = parseDistributionWebhook(body, headersOf());
    expect(result.kind === "events" && result.events.map((e) => e.tag)).toEqual(["1.1"]);
    expect(result.kind === "events" && result.invalid).toHaveLength(3);
  });

  it.each([
    ["no events", {}],
    ["events not a list", { events: {} }],
  ])("rejects an envelope with %s", (_case, body) => {
    expect(parseDistributionWebhook(body, headersOf())).toEqual({
      kind: "error",
      message: "missing events array",
    });
  });
});
