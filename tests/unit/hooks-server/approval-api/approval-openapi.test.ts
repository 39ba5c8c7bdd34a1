// The approval API's OpenAPI description is valid OpenAPI 3.1, served without a token, and honest:
// it names exactly the routes and methods the app registers. A route added, removed or renamed
// without the description fails here.
import { Validator } from "@seriousme/openapi-schema-validator";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { approvalOpenApi } from "../../../../src/hooks-server/approval-api/approval-openapi.ts";
import { createApprovalApp } from "../../../../src/hooks-server/approval-api/create-approval-app.ts";
import { createApprovalMetrics } from "../../../../src/hooks-server/approval-api/create-approval-metrics.ts";
import { fakeApprovalGateway } from "../../../helpers/fake-approval-gateway.ts";
import { fixedNow, logSink } from "../../../helpers/hooks-app.ts";

function app() {
  return createApprovalApp({
    gateway: fakeApprovalGateway(),
    clock: () => fixedNow,
    logger: logSink().logger,
    metrics: createApprovalMetrics(new Registry()),
    asPerson: () => async () => undefined,
    approvalTtlSeconds: 3600,
  });
}

const methods = ["get", "put", "post", "delete", "patch"] as const;

/** "GET /api/v1/updates/:namespace/:name" for every operation the description names. */
function described(): string[] {
  return Object.entries(approvalOpenApi.paths).flatMap(([path, item]) =>
    methods
      .filter((method) => method in item)
      .map((method) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`),
  );
}

describe("the approval API's OpenAPI description", () => {
  it("is valid OpenAPI 3.1", async () => {
    const result = await new Validator().validate(structuredClone(approvalOpenApi));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("names exactly the routes the app serves, with their methods", () => {
    const served = app()
      .routes.filter((route) => route.method !== "ALL")
      .map((route) => `${route.method} ${route.path}`);
    expect([...new Set(served)].sort()).toEqual(described().sort());
  });

  it("is served at GET /api/v1/openapi.json without a token", async () => {
    const res = await app().request("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual(approvalOpenApi);
  });

  it("says which routes need a Kubernetes token, as the app enforces it", async () => {
    const api = app();
    for (const [path, item] of Object.entries(approvalOpenApi.paths)) {
      for (const method of methods.filter((m) => m in item)) {
        const operation = (item as Record<string, { security?: unknown[] }>)[method];
        const open = Array.isArray(operation?.security) && operation.security.length === 0;
        const url = path.replace("{namespace}", "shop").replace(/\{[^}]+\}/g, "web");
        const res = await api.request(url, { method: method.toUpperCase() });
        expect(res.status === 401, `${method.toUpperCase()} ${path} without a token`).toBe(!open);
      }
    }
  });
});
