import { describe, expect, it } from "vitest";
import { parseGenericWebhook } from "../../../../../src/sidecar/webhooks/vendors/parse-generic-webhook.ts";
import { headersOf, loadWebhookFixture } from "../load-webhook-fixture.ts";

const d3 = "sha256:2b80b857d54d78211e885cd48113497c618daa8975440afd10e4ac1551dd0e87";

describe("parseGenericWebhook", () => {
  it("reads a single image with its delivery id", () => {
    const result = parseGenericWebhook(
      loadWebhookFixture("generic", "single"),
      headersOf({ "X-Headwind-Delivery": "ci-run-81" }),
    );
    expect(result).toEqual({
      kind: "events",
      events: [{ vendor: "generic", registry: "ghcr.io", repository: "acme/web", tag: "1.4.2", digest: d3 }],
      ignored: [],
      invalid: [],
      deliveryId: "ci-run-81",
    });
  });

  it("reads an images list, normalising Docker Hub names", () => {
    const result = parseGenericWebhook(loadWebhookFixture("generic", "images"), headersOf());
    expect(
      result.kind === "events" && result.events.map((e) => `${e.registry}/${e.repository}:${e.tag}`),
    ).toEqual([
      "ghcr.io/acme/web:1.4.2",
      "registry.acme.example:5000/apps/worker:2.0.0",
      "docker.io/library/nginx:1.27.3",
    ]);
  });

  // columns: case | body | configured registry | event (registry/repository:tag)
  it.each([
    [
      "a repository alone (re-scan hint)",
      { repository: "ghcr.io/acme/web" },
      undefined,
      "ghcr.io/acme/web:undefined",
    ],
    ["a short name with a pinned registry", { repository: "app", tag: "1" }, "r.example", "r.example/app:1"],
    [
      "a full name with a pinned registry",
      { repository: "ghcr.io/acme/web", tag: "1" },
      "r.example",
      "r.example/acme/web:1",
    ],
  ])("accepts %s", (_case, body, registry, expected) => {
    const result = parseGenericWebhook(body, headersOf(), { registry });
    expect(
      result.kind === "events" && result.events.map((e) => `${e.registry}/${e.repository}:${e.tag}`),
    ).toEqual([expected]);
  });

  it.each([
    ["no repository", {}, "repository must be a string"],
    [
      "a tagged repository",
      { repository: "ghcr.io/a/b:1" },
      "repository must be an image name without tag or digest",
    ],
    ["a numeric tag", { repository: "ghcr.io/a/b", tag: 1 }, "tag must be a string"],
    ["a numeric digest", { repository: "ghcr.io/a/b", digest: 1 }, "digest must be a string"],
    ["a bad tag", { repository: "ghcr.io/a/b", tag: "-x" }, 'not an OCI tag: "-x"'],
    [
      "a short digest",
      { repository: "ghcr.io/a/b", digest: "sha256:abc" },
      'not an OCI digest: "sha256:abc"',
    ],
    ["a bad list entry", { images: [{ repository: "ghcr.io/a/b" }, 3] }, "images[1]: not an object"],
    ["both forms", { repository: "ghcr.io/a/b", images: [] }, "give either repository or images, not both"],
    [
      "too many images",
      { images: Array.from({ length: 1001 }, () => ({ repository: "a.example/b" })) },
      "more than 1000 images",
    ],
  ])("rejects %s", (_case, body, message) => {
    expect(parseGenericWebhook(body, headersOf())).toEqual({ kind: "error", message });
  });
});
