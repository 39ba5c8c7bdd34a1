/**
 * Whatever arrives — arbitrary JSON, arbitrary bytes, huge strings, truncated real payloads — on
 * any vendor's path, correctly signed or not, the receiver answers a 2xx/4xx and never throws.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hmacHex } from "../../../src/sidecar/webhooks/auth/hmac-hex.ts";
import type { WebhookSource } from "../../../src/sidecar/webhooks/webhook-source.ts";
import { type WebhookVendor, webhookVendors } from "../../../src/sidecar/webhooks/webhook-vendors.ts";
import { rawWebhookFixture } from "../../unit/sidecar/webhooks/load-webhook-fixture.ts";
import { createWebhookKit } from "./webhook-test-kit.ts";

const secret = "property-secret";
const now = 1_767_225_600_000;
const token = `Bearer ${secret}`;

function sourceFor(vendor: WebhookVendor): WebhookSource {
  const path = `${vendor}-0123456789abcdefghijklmnopqrstuv`;
  switch (vendor) {
    case "github":
      return {
        name: vendor,
        vendor,
        path,
        auth: { type: "hmac-sha256", header: "x-hub-signature-256", secret },
      };
    case "nexus":
      return {
        name: vendor,
        vendor,
        path,
        registry: "nexus.example:8082",
        auth: { type: "hmac-sha1", header: "x-nexus-webhook-signature", secret },
      };
    case "jfrog":
      return { name: vendor, vendor, path, auth: { type: "jfrog", mode: "either", secret } };
    case "generic":
      return {
        name: vendor,
        vendor,
        path,
        auth: { type: "generic-hmac-timestamp", secret, toleranceSeconds: 300 },
      };
    case "dockerhub":
    case "quay":
    case "gar":
      return { name: vendor, vendor, path, auth: { type: "none-secret-path" } };
    default:
      return {
        name: vendor,
        vendor,
        path,
        auth: { type: "header-token", header: "authorization", secret: token },
      };
  }
}

/** Credentials that pass the source's check, so the body reaches the parser. */
function credentials(source: WebhookSource, body: Uint8Array): Record<string, string> {
  switch (source.auth.type) {
    case "hmac-sha256":
      return { [source.auth.header]: `sha256=${hmacHex("sha256", secret, body)}` };
    case "hmac-sha1":
      return { [source.auth.header]: hmacHex("sha1", secret, body) };
    case "jfrog":
      return { "x-jfrog-event-auth": hmacHex("sha256", secret, body) };
    case "generic-hmac-timestamp": {
      const timestamp = String(now / 1000);
      return {
        "x-headwind-timestamp": timestamp,
        "x-headwind-signature": hmacHex("sha256", secret, `${timestamp}.`, body),
      };
    }
    case "header-token":
      return { authorization: token };
    default:
      return {};
  }
}

const vendors = Object.keys(webhookVendors) as WebhookVendor[];
const sources = vendors.map(sourceFor);
// One real payload per vendor, to mutate: the body then reaches past the first field checks.
const fixtureOf: Record<WebhookVendor, string> = {
  dockerhub: rawWebhookFixture("dockerhub", "push"),
  harbor: rawWebhookFixture("harbor", "push-default-two-tags"),
  quay: rawWebhookFixture("quay", "push"),
  github: rawWebhookFixture("github", "package-published"),
  distribution: rawWebhookFixture("distribution", "push-multi-arch"),
  gitlab: rawWebhookFixture("gitlab", "push"),
  acr: rawWebhookFixture("acr", "push"),
  gar: rawWebhookFixture("gar", "push"),
  ecr: rawWebhookFixture("ecr", "push"),
  jfrog: rawWebhookFixture("jfrog", "pushed"),
  nexus: rawWebhookFixture("nexus", "component-created"),
  generic: rawWebhookFixture("generic", "images"),
};

/** Every path to a value inside a JSON document. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
}

/** A copy of `document` with the value at `path` replaced (or removed when `replacement` is undefined). */
function mutate(document: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(document) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (replacement === undefined) delete node[last];
  else node[last] = replacement;
  return copy;
}

const mutatedFixture = (vendor: WebhookVendor) => {
  const document: unknown = JSON.parse(fixtureOf[vendor]);
  const paths = pathsOf(document);
  return fc
    .tuple(fc.constantFrom(...paths), fc.option(fc.jsonValue({ maxDepth: 2 }), { freq: 3 }))
    .map(([path, replacement]) => JSON.stringify(mutate(document, path, replacement ?? undefined)));
};
const encode = (text: string) => new TextEncoder().encode(text);

const bodies = fc.oneof(
  fc.json({ maxDepth: 6 }).map(encode),
  fc.uint8Array({ maxLength: 4096 }),
  fc.string({ unit: "binary", maxLength: 2000 }).map(encode),
  // truncated real payloads
  fc
    .tuple(fc.constantFrom(...Object.values(fixtureOf)), fc.nat())
    .map(([raw, cut]) => encode(raw.slice(0, cut % raw.length))),
  // huge strings around the 1 MiB limit, inside otherwise valid JSON
  fc
    .tuple(
      fc.constantFrom("repository", "tag", "action", "repo_name"),
      fc.integer({ min: 1000, max: 1_100_000 }),
    )
    .map(([key, size]) => encode(JSON.stringify({ [key]: "a".repeat(size), events: [{ action: "push" }] }))),
);
const extraHeaders = fc.record(
  {
    "content-type": fc.constantFrom(
      "application/json",
      "application/vnd.docker.distribution.events.v2+json",
      "text/plain",
      "application/json; charset=UTF-8",
    ),
    "x-github-event": fc.constantFrom("package", "registry_package", "ping", ""),
    "x-github-delivery": fc.uuid(),
    "x-nexus-webhook-id": fc.constantFrom("rm:repository:component", "rm:repository:asset"),
    "x-headwind-delivery": fc.string({ maxLength: 300 }).map((s) => s.replace(/[^\x20-\x7e]/g, "")),
  },
  { requiredKeys: ["content-type"] },
);

describe("webhook app on arbitrary input", () => {
  const kit = createWebhookKit({ sources, now });

  it("answers every vendor's path with a 2xx or 4xx JSON body", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .constantFrom(...sources)
          .chain((source) =>
            fc.tuple(fc.constant(source), fc.oneof(bodies, mutatedFixture(source.vendor).map(encode))),
          ),
        extraHeaders,
        fc.boolean(),
        async ([source, body], headers, signed) => {
          const auth = signed ? credentials(source, body) : {};
          const res = await kit.post(source.path, body, { ...headers, ...auth });
          expect([202, 400, 401, 404, 409, 413, 415]).toContain(res.status);
          expect(await res.json()).toBeTypeOf("object");
        },
      ),
      { numRuns: 400 },
    );
    expect(kit.logs.every((log) => log.level !== 50)).toBe(true);
  });
});
