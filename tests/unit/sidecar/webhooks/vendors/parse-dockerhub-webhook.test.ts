import { describe, expect, it } from "vitest";
import { parseDockerhubWebhook } from "../../../../../src/sidecar/webhooks/vendors/parse-dockerhub-webhook.ts";
import { headersOf, loadWebhookFixture } from "../load-webhook-fixture.ts";

describe("parseDockerhubWebhook", () => {
  it("reads repo_name and tag as a docker.io event", () => {
    expect(parseDockerhubWebhook(loadWebhookFixture("dockerhub", "push"), headersOf())).toEqual({
      kind: "events",
      events: [{ vendor: "dockerhub", registry: "docker.io", repository: "acme/web", tag: "1.4.2" }],
      ignored: [],
      invalid: [],
    });
  });

  // columns: case | body | expected kind | expected repository | expected ignored
  it.each([
    [
      "official single name gains library/",
      { repository: { repo_name: "nginx" }, push_data: { tag: "1.27" } },
      "library/nginx",
    ],
    [
      "mixed case is lowercased",
      { repository: { repo_name: "Acme/Web" }, push_data: { tag: "V1" } },
      "acme/web",
    ],
  ])("%s", (_case, body, repository) => {
    const result = parseDockerhubWebhook(body, headersOf());
    expect(result.kind === "events" && result.events[0]?.repository).toBe(repository);
  });

  it.each([
    ["no repository", { push_data: { tag: "1" } }, "missing repository.repo_name"],
    ["no push_data", { repository: { repo_name: "acme/web" } }, "missing push_data"],
    ["not an object", "push", "missing repository.repo_name"],
  ])("rejects a payload with %s", (_case, body, message) => {
    expect(parseDockerhubWebhook(body, headersOf())).toEqual({ kind: "error", message });
  });

  it("reads a push without a tag as a hint about the repository", () => {
    const result = parseDockerhubWebhook(
      { repository: { repo_name: "acme/web" }, push_data: {} },
      headersOf(),
    );
    expect(result).toEqual({
      kind: "events",
      events: [{ vendor: "dockerhub", registry: "docker.io", repository: "acme/web" }],
      ignored: [],
      invalid: [],
    });
  });

  it("uses the configured registry (a Docker Hub mirror) when given", () => {
    const result = parseDockerhubWebhook(loadWebhookFixture("dockerhub", "push"), headersOf(), {
      registry: "mirror.acme.example",
    });
    expect(result.kind === "events" && result.events[0]?.registry).toBe("mirror.acme.example");
  });
});
