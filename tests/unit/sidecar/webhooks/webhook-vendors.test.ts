import { describe, expect, it } from "vitest";
import {
  isWebhookVendor,
  type WebhookVendor,
  webhookVendors,
} from "../../../../src/sidecar/webhooks/webhook-vendors.ts";
import { loadWebhookFixture } from "./load-webhook-fixture.ts";
import { describeParserContract, type ParserContractCase } from "./webhook-parser-contract.ts";

const fixture = (vendor: string, name: string, headers?: Record<string, string>) => ({
  body: loadWebhookFixture(vendor, name),
  headers,
});
const github = (event: string) => ({ "X-GitHub-Event": event });
const nexus = { "X-Nexus-Webhook-Id": "rm:repository:component" };

// columns: vendor | push sample | non-push sample (or why there is none) | extra
const cases: Record<WebhookVendor, Omit<ParserContractCase, "parse">> = {
  dockerhub: {
    push: fixture("dockerhub", "push"),
    nonPush: { absentBecause: "Docker Hub only sends pushes" },
  },
  harbor: { push: fixture("harbor", "push-cloudevents"), nonPush: fixture("harbor", "delete-default") },
  quay: { push: fixture("quay", "push"), nonPush: fixture("quay", "build-success") },
  github: {
    push: fixture("github", "package-published", github("package")),
    nonPush: fixture("github", "package-published", github("ping")),
    garbageHeaders: github("package"),
  },
  distribution: { push: fixture("distribution", "push"), nonPush: fixture("distribution", "pull") },
  gitlab: { push: fixture("gitlab", "push"), nonPush: fixture("gitlab", "pull") },
  acr: { push: fixture("acr", "push"), nonPush: fixture("acr", "delete") },
  gar: { push: fixture("gar", "push"), nonPush: fixture("gar", "delete") },
  ecr: { push: fixture("ecr", "push"), nonPush: fixture("ecr", "scan") },
  jfrog: { push: fixture("jfrog", "pushed"), nonPush: fixture("jfrog", "deleted") },
  nexus: {
    options: { registry: "nexus.acme.example:8082" },
    push: fixture("nexus", "component-created", nexus),
    nonPush: fixture("nexus", "component-deleted", nexus),
  },
  generic: {
    push: fixture("generic", "single"),
    nonPush: { absentBecause: "the generic format only announces pushes" },
  },
};

for (const [vendor, contract] of Object.entries(cases)) {
  if (isWebhookVendor(vendor))
    describeParserContract(vendor, { ...contract, parse: webhookVendors[vendor].parse });
}

describe("webhookVendors", () => {
  it("has a contract case for every vendor", () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(webhookVendors).sort());
  });

  it.each([
    ["github", true],
    ["toString", false],
    ["GitHub", false],
  ])("isWebhookVendor(%s) is %s", (name, expected) => {
    expect(isWebhookVendor(name)).toBe(expected);
  });

  it("never lets a vendor that can sign go unsigned", () => {
    expect(webhookVendors.github.auth).not.toContain("none-secret-path");
    expect(webhookVendors.generic.auth).not.toContain("none-secret-path");
  });
});
