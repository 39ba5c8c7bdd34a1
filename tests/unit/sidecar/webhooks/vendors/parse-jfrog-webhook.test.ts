import { describe, expect, it } from "vitest";
import { parseJfrogWebhook } from "../../../../../src/sidecar/webhooks/vendors/parse-jfrog-webhook.ts";
import { headersOf, loadWebhookFixture } from "../load-webhook-fixture.ts";

describe("parseJfrogWebhook", () => {
  // columns: fixture | configured registry | events (registry/repository:tag@digest) | ignored count
  it.each([
    [
      "pushed",
      undefined,
      [
        "acme.jfrog.io/docker-local/apps/web:1.4.2@sha256:26b2b71de006cae7209fc5c7480dbcf27def45a2fb95e61e4195374e9aa2786f",
      ],
      0,
    ],
    [
      "pushed",
      "docker-local.acme.jfrog.io",
      [
        "docker-local.acme.jfrog.io/apps/web:1.4.2@sha256:26b2b71de006cae7209fc5c7480dbcf27def45a2fb95e61e4195374e9aa2786f",
      ],
      0,
    ],
    [
      "pushed-single-arch",
      undefined,
      [
        "acme.jfrog.io/docker-local/apps/worker:2.0.0@sha256:b1bdcfb6ab7695902cda9939dd07ba0d72431bcfcc79ad70f04c720b99aa71bc",
      ],
      0,
    ],
    ["deleted", undefined, [], 1],
    ["artifact-deployed", undefined, [], 1],
  ])("%s with registry %s → %j", (fixture, registry, expected, ignored) => {
    const result = parseJfrogWebhook(loadWebhookFixture("jfrog", fixture), headersOf(), { registry });
    if (result.kind !== "events") throw new Error(result.message);
    expect(result.events.map((e) => `${e.registry}/${e.repository}:${e.tag}@${e.digest}`)).toEqual(expected);
    expect(result.ignored).toHaveLength(ignored);
  });

  it("leaves the digest out when sha256 is not 64 hex characters", () => {
    const body = { domain: "docker", event_type: "pushed", jpd_origin: "https://j.example", data: {} };
    const data = { repo_key: "r", image_name: "a", tag: "1", sha256: "abc" };
    const result = parseJfrogWebhook({ ...body, data }, headersOf());
    expect(result.kind === "events" && result.events).toEqual([
      { vendor: "jfrog", registry: "j.example", repository: "r/a", tag: "1" },
    ]);
  });

  it.each([
    ["no domain", { event_type: "pushed" }, "missing domain or event_type"],
    [
      "no image",
      { domain: "docker", event_type: "pushed", data: { tag: "1" } },
      "missing data.image_name or data.tag",
    ],
    [
      "no origin",
      { domain: "docker", event_type: "pushed", data: { image_name: "a", tag: "1" } },
      "missing jpd_origin or data.repo_key (and no registry configured for the source)",
    ],
  ])("rejects a payload with %s", (_case, body, message) => {
    expect(parseJfrogWebhook(body, headersOf())).toEqual({ kind: "error", message });
  });
});
