import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoopbackServer, listenOnLoopback } from "../helpers/registry-listen.ts";
import { pushImage } from "../helpers/registry-push.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry-server.ts";

/** The captured envelope the webhook parser's tests load; rewritten only when missing or asked for. */
const fixturePath = fileURLToPath(
  new URL("../fixtures/registry/distribution-notification.json", import.meta.url),
);
/** A layer upload's envelope (no tag, octet-stream media type): what the parser must ignore. */
const blobFixturePath = fileURLToPath(
  new URL("../fixtures/registry/distribution-notification-blob.json", import.meta.url),
);
const refreshFixtures = process.env.UPDATE_FIXTURES === "1";

interface Delivery {
  readonly contentType: string | undefined;
  readonly body: {
    events: { action: string; target: Record<string, unknown>; request: Record<string, unknown> }[];
  };
}

describe("distribution notifications", () => {
  let receiver: LoopbackServer;
  let registry: RegistryServer;
  const deliveries: Delivery[] = [];

  beforeAll(async () => {
    const app = new Hono().post("/registry-events", async (c) => {
      deliveries.push({ contentType: c.req.header("content-type"), body: await c.req.json() });
      return c.body(null, 200);
    });
    receiver = await listenOnLoopback(app.fetch);
    registry = await startRegistry({ notificationsUrl: `${receiver.origin}/registry-events` });
  });

  afterAll(async () => {
    await registry?.stop();
    await receiver?.close();
  });

  it("POSTs a push envelope naming the tag, the repository and the registry host", async () => {
    const digest = await pushImage(registry.origin, "apps/notify", ["2.3.4"]);
    const tagged = () =>
      deliveries.find((delivery) => delivery.body.events.some((event) => event.target.tag === "2.3.4"));
    // Delivery is asynchronous (an in-memory queue in the registry): poll, bounded.
    const untagged = () => deliveries.find((d) => d.body.events.every((e) => e.target.tag === undefined));
    for (let attempt = 0; attempt < 100 && (tagged() === undefined || untagged() === undefined); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const delivery = tagged();
    expect(delivery, `no tag push notification arrived; registry logs:\n${registry.logs()}`).toBeDefined();
    expect(delivery?.contentType).toMatch(/^application\/vnd\.docker\.distribution\.events\.v\d\+json/);
    const event = delivery?.body.events.find((e) => e.target.tag === "2.3.4");
    expect(event).toMatchObject({
      action: "push",
      target: {
        repository: "apps/notify",
        tag: "2.3.4",
        digest,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
      },
      request: { host: registry.host, method: "PUT" },
    });

    // distribution 2.8 labels envelopes v1 (newer releases say v2), and sends blob pushes separately.
    expect(delivery?.contentType).toBe("application/vnd.docker.distribution.events.v1+json");
    const blob = untagged();
    expect(blob?.body.events[0]).toMatchObject({
      action: "push",
      target: { mediaType: "application/octet-stream" },
    });

    if (!existsSync(fixturePath) || refreshFixtures) {
      await writeFile(fixturePath, `${JSON.stringify(delivery?.body, null, 2)}\n`);
    }
    if (!existsSync(blobFixturePath) || refreshFixtures) {
      await writeFile(blobFixturePath, `${JSON.stringify(blob?.body, null, 2)}\n`);
    }
    const saved = JSON.parse(await readFile(fixturePath, "utf8")) as Delivery["body"];
    expect(saved.events.some((e) => e.action === "push" && typeof e.target.tag === "string")).toBe(true);
  });
});
