import { describe, expect, it } from "vitest";
import { parseGithubWebhook } from "../../../../../src/sidecar/webhooks/vendors/parse-github-webhook.ts";
import { headersOf, loadWebhookFixture } from "../load-webhook-fixture.ts";

const digest = "sha256:2b80b857d54d78211e885cd48113497c618daa8975440afd10e4ac1551dd0e87";
const delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958";

describe("parseGithubWebhook", () => {
  // columns: fixture | X-GitHub-Event | events | ignored count
  it.each([
    ["package-published", "package", [`ghcr.io/acme/web:1.4.2@${digest}`], 0],
    ["registry-package-published", "registry_package", [`ghcr.io/acme/web:1.4.2@${digest}`], 0],
    // An untagged version (a platform manifest, a push by digest) is a hint without a tag.
    [
      "package-published-untagged",
      "package",
      ["ghcr.io/acme/web:undefined@sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270"],
      0,
    ],
    ["package-published-npm", "package", [], 1],
    ["package-published", "ping", [], 1],
    ["package-published", "push", [], 1],
  ])("%s with X-GitHub-Event %s → %j", (fixture, event, expected, ignored) => {
    const headers = headersOf({ "X-GitHub-Event": event, "X-GitHub-Delivery": delivery });
    const result = parseGithubWebhook(loadWebhookFixture("github", fixture), headers);
    if (result.kind !== "events") throw new Error(result.message);
    expect(result.events.map((e) => `${e.registry}/${e.repository}:${e.tag}@${e.digest}`)).toEqual(expected);
    expect(result.ignored).toHaveLength(ignored);
    expect(result.deliveryId).toBe(delivery);
  });

  it("lowercases the owner's casing from owner.login", () => {
    const body = {
      action: "published",
      package: {
        name: "Web",
        package_type: "container",
        owner: { login: "Acme" },
        package_version: { container_metadata: { tag: { name: "v1" } } },
      },
    };
    const result = parseGithubWebhook(body, headersOf({ "X-GitHub-Event": "package" }));
    expect(result.kind === "events" && result.events).toEqual([
      { vendor: "github", registry: "ghcr.io", repository: "acme/web", tag: "v1" },
    ]);
  });

  it("ignores actions other than published and updated", () => {
    const body = { action: "deleted", package: {} };
    const result = parseGithubWebhook(body, headersOf({ "X-GitHub-Event": "package" }));
    expect(result).toEqual({
      kind: "events",
      events: [],
      ignored: ["package action deleted is not a publish"],
      invalid: [],
    });
  });

  it.each([
    ["the ecosystem", { ecosystem: "CONTAINER" }],
    ["the registry's type", { registry: { type: "CONTAINER" } }],
    ["the image package_url names", { package_version: { package_url: "ghcr.io/acme/web:2.0.0" } }],
  ])("judges a package a container by %s, not only package_type", (_case, fields) => {
    const body = {
      action: "published",
      package: { name: "web", namespace: "acme", package_type: "", ...fields },
    };
    const result = parseGithubWebhook(body, headersOf({ "X-GitHub-Event": "package" }));
    expect(result.kind === "events" && result.events.map((e) => `${e.registry}/${e.repository}`)).toEqual([
      "ghcr.io/acme/web",
    ]);
  });

  it("takes the image from package_url: a name with a slash, a tag only the URL carries", () => {
    const body = {
      action: "published",
      package: {
        name: "web-api",
        namespace: "acme",
        package_type: "CONTAINER",
        package_version: { package_url: "ghcr.io/acme/web/api:3.1.0" },
      },
    };
    const result = parseGithubWebhook(body, headersOf({ "X-GitHub-Event": "package" }));
    expect(result.kind === "events" && result.events).toEqual([
      { vendor: "github", registry: "ghcr.io", repository: "acme/web/api", tag: "3.1.0" },
    ]);
  });

  it("leaves out a package whose package_url names no image, whatever its types say", () => {
    const body = {
      action: "published",
      package: {
        name: "web",
        namespace: "acme",
        package_type: "CONTAINER",
        registry: { type: "CONTAINER" },
        package_version: { package_url: "https://npm.pkg.github.com/@acme/web" },
      },
    };
    const result = parseGithubWebhook(body, headersOf({ "X-GitHub-Event": "package" }));
    expect(result.kind === "events" && result.events).toEqual([]);
  });

  it.each([
    ["no X-GitHub-Event", {}, { action: "published" }, "missing X-GitHub-Event header"],
    ["no action", { "X-GitHub-Event": "package" }, { package: {} }, "missing action"],
    ["no package", { "X-GitHub-Event": "package" }, { action: "published" }, "missing package"],
    [
      "no name",
      { "X-GitHub-Event": "package" },
      { action: "published", package: { package_type: "CONTAINER", namespace: "acme" } },
      "missing package name or owner",
    ],
  ])("rejects a request with %s", (_case, headers, body, message) => {
    expect(parseGithubWebhook(body, headersOf(headers))).toEqual({ kind: "error", message });
  });
});
