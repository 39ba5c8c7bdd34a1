/**
 * The sidecar's webhook path: parsing a distribution envelope, a whole signed GitHub delivery
 * through the app (HMAC over the raw body, parse, replay cache, metrics, answer), and a forged
 * delivery naming 100,000 tags of one followed repository up to the moment it is answered
 * (JSON, parse, the per-delivery hint cap, the queue).
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import pino from "pino";
import { Registry } from "prom-client";
import { bench, describe } from "vitest";
import { createEventIngest } from "../src/sidecar/runtime/create-event-ingest.ts";
import { createHintQueue } from "../src/sidecar/runtime/create-hint-queue.ts";
import { createSidecarMetrics } from "../src/sidecar/runtime/create-sidecar-metrics.ts";
import { createWebhookApp } from "../src/sidecar/webhooks/create-webhook-app.ts";
import { createWebhookMetrics } from "../src/sidecar/webhooks/create-webhook-metrics.ts";
import { parseDistributionWebhook } from "../src/sidecar/webhooks/vendors/parse-distribution-webhook.ts";
import { parseQuayWebhook } from "../src/sidecar/webhooks/vendors/parse-quay-webhook.ts";

const distribution = JSON.parse(
  readFileSync("tests/fixtures/webhooks/distribution/push-multi-arch.json", "utf8"),
);
const github = readFileSync("tests/fixtures/webhooks/github/package-published.json", "utf8");
const secret = "bench-secret";
const app = createWebhookApp({
  sources: [
    {
      name: "ghcr",
      vendor: "github",
      path: "gh",
      auth: { type: "hmac-sha256", header: "x-hub-signature-256", secret },
    },
  ],
  onEvents: async () => {},
  clock: () => Date.now(),
  logger: pino({ level: "silent" }),
  metrics: createWebhookMetrics(new Registry()),
  replay: { duplicateStatus: 202 },
});
const signature = `sha256=${createHmac("sha256", secret).update(github).digest("hex")}`;
let delivery = 0;

function deliver() {
  delivery += 1;
  return app.request("/webhooks/gh", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "package",
      "x-github-delivery": `d-${delivery}`,
      "x-hub-signature-256": signature,
    },
    body: github,
  });
}

// A benchmark of 401s would measure nothing: make sure the delivery is accepted.
const first = await deliver();
if (first.status !== 202) throw new Error(`benchmark delivery answered ${first.status}`);

describe("webhooks", () => {
  bench("parse a distribution envelope (multi-arch push)", () => {
    parseDistributionWebhook(distribution, new Headers());
  });
  bench("signed GitHub delivery through the app", async () => {
    await deliver();
  });
});

const followed = "registry.acme.example/apps/web";
const forged = JSON.stringify({
  repository: "apps/web",
  docker_url: followed,
  updated_tags: Array.from({ length: 100_000 }, (_, i) => String(i)),
});
const ingest = createEventIngest({
  interest: () => ({ poll: [], repositories: new Map([[followed, []]]) }),
  // Checks finish at once: the benchmark measures what the delivery waits for, not the registry.
  queue: createHintQueue({
    concurrency: 4,
    maxRepositories: 1000,
    maxTags: 10,
    run: async () => {},
    onError() {},
  }),
  metrics: createSidecarMetrics(new Registry()),
  logger: pino({ level: "silent" }),
});

describe("webhooks: a forged delivery", () => {
  bench(`100,000 tags of a followed repository (${forged.length} bytes) up to the answer`, async () => {
    const result = parseQuayWebhook(JSON.parse(forged), new Headers());
    if (result.kind !== "events") throw new Error(result.message);
    await ingest([...result.events], "quay", result.overLimit);
  });
});
