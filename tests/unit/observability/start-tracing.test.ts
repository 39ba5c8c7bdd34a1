// Traces leave the process only when an OTLP endpoint is configured: a real OTLP/HTTP receiver on
// loopback gets the span after shutdown flushes it.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTracing } from "../../../src/observability/start-tracing.ts";

const received: Array<{ path: string; type: string; bytes: number }> = [];
const receiver = createServer((req: IncomingMessage, res) => {
  let bytes = 0;
  req.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
  });
  req.on("end", () => {
    received.push({ path: req.url ?? "", type: req.headers["content-type"] ?? "", bytes });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});

beforeAll(() => new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve)));
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

describe("startTracing", () => {
  it("without an endpoint is a no-op tracer that exports nothing", async () => {
    const tracing = startTracing("headwind-test", undefined);
    tracing.tracer.startSpan("ignored").end();
    await tracing.shutdown();
    expect(received).toEqual([]);
  });

  it("with an endpoint exports spans to <endpoint>/v1/traces on shutdown", async () => {
    const { port } = receiver.address() as AddressInfo;
    const tracing = startTracing("headwind-test", `http://127.0.0.1:${port}/`);
    tracing.tracer.startSpan("hook sync").end();
    await tracing.shutdown();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ path: "/v1/traces" });
    expect(received[0]?.bytes).toBeGreaterThan(0);
  });
});
