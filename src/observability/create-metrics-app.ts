/** The metrics endpoint, on its own port so scraping never competes with hook traffic. */
import { Hono } from "hono";
import type { Registry } from "prom-client";

export function createMetricsApp(registry: Registry): Hono {
  const app = new Hono();
  app.get("/metrics", async (c) =>
    c.body(await registry.metrics(), 200, { "content-type": registry.contentType }),
  );
  app.get("/healthz", (c) => c.text("ok"));
  return app;
}
