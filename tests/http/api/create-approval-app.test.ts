import fc from "fast-check";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { UpdateRequestStatus } from "../../../src/core/updaterequests/update-request.ts";
import type { Identity } from "../../../src/hooks-server/approval-api/approval-gateway.ts";
import { createApprovalApp } from "../../../src/hooks-server/approval-api/create-approval-app.ts";
import { createApprovalMetrics } from "../../../src/hooks-server/approval-api/create-approval-metrics.ts";
import { KubeApiError } from "../../../src/kube/kube-api-error.ts";
import { fakeApprovalGateway, type Grant, storeUpdateRequest } from "../../helpers/fake-approval-gateway.ts";
import { fixedNow, logSink } from "../../helpers/hooks-app.ts";
import { aDeployment, anUpdateRequest } from "../../helpers/update-requests.ts";

const alice: Identity = { username: "alice", uid: "u-1", groups: ["dev", "system:authenticated"] };
const bob: Identity = { username: "bob", groups: ["system:authenticated"] };
const ur = "web-nginx-0b80d67fed";
const base = `/api/v1/updates/shop/${ur}`;

const aliceGrants: Grant[] = [
  { user: "alice", verb: "patch", resource: "updaterequests/status", namespace: "shop" },
  { user: "alice", verb: "get", resource: "updaterequests", namespace: "shop" },
  { user: "alice", verb: "list", resource: "updaterequests", namespace: "shop" },
  { user: "alice", verb: "get", resource: "deployments", namespace: "shop" },
];

function setup(status?: UpdateRequestStatus) {
  const personTokens: string[] = [];
  const gateway = fakeApprovalGateway();
  gateway.tokens.set("alice-token", alice);
  gateway.tokens.set("bob-token", bob);
  gateway.grants.push(...aliceGrants);
  storeUpdateRequest(gateway, anUpdateRequest(status));
  const registry = new Registry();
  const { logger, lines } = logSink();
  const app = createApprovalApp({
    gateway,
    clock: () => fixedNow,
    logger,
    metrics: createApprovalMetrics(registry),
    asPerson: (token) => {
      personTokens.push(token);
      return async () => {
        throw new KubeApiError(
          0,
          "this tier has no apiserver: rollbacks are tested in tests/cluster/rollback.test.ts",
        );
      };
    },
    approvalTtlSeconds: 3600,
  });
  const call = (
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const headers: Record<string, string> = {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...options.headers,
    };
    const body =
      options.body === undefined || typeof options.body === "string"
        ? (options.body as string | undefined)
        : JSON.stringify(options.body);
    return app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  };
  const approve = (body: unknown = {}, token = "alice-token") =>
    call("POST", `${base}/approve`, { token, body });
  const reject = (body: unknown = {}, token = "alice-token") =>
    call("POST", `${base}/reject`, { token, body });
  const metric = async (name: string) => (await registry.getSingleMetricAsString(name)).trim();
  const audits = () => lines.filter((l) => l.audit === true);
  const live = () => gateway.updateRequests.get(`shop/${ur}`);
  return { app, gateway, call, approve, reject, metric, lines, audits, live, personTokens };
}

describe("GET /health", () => {
  it("answers OK without a token", async () => {
    const res = await setup().call("GET", "/health");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("OK");
  });
});

describe("authentication (TokenReview)", () => {
  it.each([
    ["no Authorization header", {}],
    ["another scheme", { authorization: "Basic YWxpY2U6cGFzcw==" }],
    ["an empty bearer token", { authorization: "Bearer " }],
  ])("%s: 401 with WWW-Authenticate, and Kubernetes is never asked", async (_, headers) => {
    const { call, gateway } = setup();
    const res = await call("GET", "/api/v1/updates", { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="headwind"');
    expect(await res.json()).toEqual({
      error: "missing bearer token: send Authorization: Bearer <Kubernetes token>",
    });
    expect(gateway.reviews).toEqual([]);
  });

  it("a token Kubernetes does not accept: 401, nothing is authorized or read", async () => {
    const { call, gateway, live } = setup();
    for (const [method, path] of [
      ["GET", "/api/v1/updates"],
      ["GET", base],
      ["POST", `${base}/approve`],
      ["POST", `${base}/reject`],
      ["GET", "/api/v1/rollback/shop/web"],
    ] as const) {
      const res = await call(method, path, { token: "stolen", body: method === "POST" ? {} : undefined });
      expect({ path, status: res.status, body: await res.json() }).toEqual({
        path,
        status: 401,
        body: { error: "invalid or expired bearer token" },
      });
    }
    expect(gateway.reviews).toEqual([]);
    expect(live()?.status).toBeUndefined();
  });

  it("checks the token before the body: a stranger's oversized body is a 401", async () => {
    const { call } = setup();
    const res = await call("POST", `${base}/approve`, { body: "x".repeat(100_000) });
    expect(res.status).toBe(401);
  });
});

describe("GET /api/v1/updates", () => {
  it("all namespaces: needs list cluster-wide", async () => {
    const { call, gateway } = setup();
    gateway.grants.push({ user: "bob", verb: "list", resource: "updaterequests", namespace: "" });
    storeUpdateRequest(gateway, {
      ...anUpdateRequest(),
      metadata: { ...anUpdateRequest().metadata, name: "api-x", namespace: "billing" },
    });
    const res = await call("GET", "/api/v1/updates", { token: "bob-token" });
    expect(res.status).toBe(200);
    const items = (await res.json()) as { metadata: { namespace: string; name: string } }[];
    expect(items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`).sort()).toEqual([
      "billing/api-x",
      `shop/${ur}`,
    ]);
    expect(gateway.reviews.map((r) => r.check)).toEqual([
      { verb: "list", group: "headwind.sh", resource: "updaterequests", namespace: "" },
    ]);
    expect(gateway.reviews[0]?.identity).toEqual(bob);
  });

  it("?namespace= lists one namespace, with list permission there only", async () => {
    const { call, gateway } = setup();
    storeUpdateRequest(gateway, {
      ...anUpdateRequest(),
      metadata: { ...anUpdateRequest().metadata, name: "api-x", namespace: "billing" },
    });
    const res = await call("GET", "/api/v1/updates?namespace=shop", { token: "alice-token" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toEqual([
      ur,
    ]);
    const everywhere = await call("GET", "/api/v1/updates", { token: "alice-token" });
    expect(everywhere.status).toBe(403);
    expect(await everywhere.json()).toEqual({ error: "alice may not list updaterequests in all namespaces" });
    const elsewhere = await call("GET", "/api/v1/updates?namespace=billing", { token: "alice-token" });
    expect(await elsewhere.json()).toEqual({
      error: "alice may not list updaterequests in namespace billing",
    });
  });

  it("an invalid namespace is a 400, never passed on", async () => {
    const { call, gateway } = setup();
    const res = await call("GET", "/api/v1/updates?namespace=..%2Fsecrets", { token: "alice-token" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'not a namespace name: "../secrets"' });
    expect(gateway.reviews).toEqual([]);
  });
});

describe("GET /api/v1/updates/{namespace}/{name}", () => {
  it("answers the UpdateRequest, after a get review for that name", async () => {
    const { call, gateway } = setup({ phase: "Pending" });
    const res = await call("GET", base, { token: "alice-token" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ metadata: { name: ur }, status: { phase: "Pending" } });
    expect(gateway.reviews.map((r) => r.check)).toEqual([
      { verb: "get", group: "headwind.sh", resource: "updaterequests", namespace: "shop", name: ur },
    ]);
  });

  it("404 with the original's message", async () => {
    const res = await setup().call("GET", "/api/v1/updates/shop/nope", { token: "alice-token" });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "UpdateRequest not found: shop/nope" });
  });

  it("403 without get, whether or not it exists", async () => {
    const { call } = setup();
    for (const name of [ur, "nope"]) {
      const res = await call("GET", `/api/v1/updates/shop/${name}`, { token: "bob-token" });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: `bob may not get updaterequests ${name} in namespace shop` });
    }
  });

  it.each(["Shop", "a_b", "-x"])("an invalid namespace or name (%s) is a 400", async (bad) => {
    const { call } = setup();
    expect((await call("GET", `/api/v1/updates/${bad}/${ur}`, { token: "alice-token" })).status).toBe(400);
    expect((await call("GET", `/api/v1/updates/shop/${bad}`, { token: "alice-token" })).status).toBe(400);
  });
});

describe("POST …/approve", () => {
  it("writes Approved with the authenticated user, conditional on the resourceVersion read", async () => {
    const { approve, gateway, live, metric, audits } = setup({ phase: "Pending", message: "waiting" });
    const before = live()?.metadata.resourceVersion;
    const res = await approve({});
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: UpdateRequestStatus };
    expect(body.status).toEqual({
      phase: "Approved",
      approvedBy: "alice",
      approvedAt: new Date(fixedNow).toISOString(),
      message: "waiting",
    });
    expect(gateway.patches).toEqual([
      {
        namespace: "shop",
        name: ur,
        resourceVersion: before,
        status: { phase: "Approved", approvedBy: "alice", approvedAt: new Date(fixedNow).toISOString() },
      },
    ]);
    expect(gateway.reviews.map((r) => r.check)).toEqual([
      {
        verb: "patch",
        group: "headwind.sh",
        resource: "updaterequests",
        subresource: "status",
        namespace: "shop",
        name: ur,
      },
    ]);
    expect(await metric("headwind_updates_approved_total")).toMatch(/headwind_updates_approved_total 1$/);
    expect(await metric("headwind_updates_rejected_total")).toMatch(/headwind_updates_rejected_total 0$/);
    expect(audits()).toEqual([
      expect.objectContaining({
        audit: true,
        action: "approve",
        resourceType: "UpdateRequest",
        user: "alice",
        namespace: "shop",
        name: ur,
        result: "success",
        phase: "Approved",
        recordedAs: "alice",
        attempts: 1,
        msg: "audit approve",
      }),
    ]);
  });

  it("approves a request Metacontroller has not synced yet (no status)", async () => {
    const { approve, live } = setup();
    expect((await approve()).status).toBe(200);
    expect(live()?.status?.phase).toBe("Approved");
  });

  it("records a body approver only as a hint after the real user", async () => {
    const { approve, live } = setup({ phase: "Pending" });
    await approve({ approver: "web-ui" });
    expect(live()?.status?.approvedBy).toBe("alice (approver: web-ui)");
  });

  it("a body approver naming someone else can never replace the user", async () => {
    const { approve, live } = setup({ phase: "Pending" });
    await approve({ approver: "the-cto" }, "alice-token");
    expect(live()?.status?.approvedBy).toBe("alice (approver: the-cto)");
  });

  it.each(["Approved", "Rejected", "Applying", "Completed", "Expired", "Superseded"] as const)(
    "from %s: 409 with the original's body, nothing written",
    async (phase) => {
      const { approve, gateway, metric, audits } = setup({ phase });
      const res = await approve();
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({
        error: `UpdateRequest is in ${phase} state, cannot approve`,
        current_phase: phase,
      });
      expect(gateway.patches).toEqual([]);
      expect(await metric("headwind_updates_approved_total")).toMatch(/ 0$/);
      expect(audits()).toEqual([expect.objectContaining({ result: "conflict", phase, user: "alice" })]);
    },
  );

  it("a Pending request past its expiresAt is not approved (the hook is about to expire it)", async () => {
    const { gateway, approve } = setup({ phase: "Pending" });
    const live = gateway.updateRequests.get(`shop/${ur}`);
    if (live) live.spec.expiresAt = "2026-11-25T11:59:59.000Z";
    const res = await approve();
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: "UpdateRequest expired at 2026-11-25T11:59:59.000Z, cannot approve",
      current_phase: "Pending",
    });
  });

  it("403 for someone without patch on updaterequests/status, audited as denied", async () => {
    const { approve, gateway, audits } = setup({ phase: "Pending" });
    const res = await approve({ approver: "alice" }, "bob-token");
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: `bob may not patch updaterequests/status ${ur} in namespace shop`,
    });
    expect(gateway.patches).toEqual([]);
    expect(audits()).toEqual([
      expect.objectContaining({
        action: "approve",
        user: "bob",
        namespace: "shop",
        name: ur,
        result: "denied",
      }),
    ]);
  });

  it("404 when it does not exist (after authorization)", async () => {
    const { call, audits } = setup();
    const res = await call("POST", "/api/v1/updates/shop/nope/approve", { token: "alice-token", body: {} });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "UpdateRequest not found: shop/nope" });
    expect(audits()).toEqual([expect.objectContaining({ result: "not-found", name: "nope" })]);
  });

  it("409 from the apiserver (an unrelated write): reads again, decides again, succeeds", async () => {
    const { approve, gateway, live, audits } = setup({ phase: "Pending" });
    let writes = 0;
    gateway.beforePatch = (current) => {
      if (writes++ === 0) gateway.touch(current);
    };
    const res = await approve();
    expect(res.status).toBe(200);
    expect(live()?.status?.phase).toBe("Approved");
    expect(gateway.patches).toHaveLength(2);
    expect(gateway.patches[0]?.resourceVersion).not.toBe(gateway.patches[1]?.resourceVersion);
    expect(audits()).toEqual([expect.objectContaining({ result: "success", attempts: 2 })]);
  });

  it("409 because someone else rejected meanwhile: the re-read decides, the rejection stands", async () => {
    const { approve, gateway, live } = setup({ phase: "Pending" });
    gateway.beforePatch = (current) => {
      if (current.status?.phase !== "Rejected") {
        current.status = { phase: "Rejected", rejectedBy: "carol" };
        gateway.touch(current);
      }
    };
    const res = await approve();
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: "UpdateRequest is in Rejected state, cannot approve",
      current_phase: "Rejected",
    });
    expect(live()?.status).toEqual({ phase: "Rejected", rejectedBy: "carol" });
    expect(gateway.patches).toHaveLength(1);
  });

  it("still conflicting after one re-read: 409, try again", async () => {
    const { approve, gateway } = setup({ phase: "Pending" });
    gateway.beforePatch = (current) => gateway.touch(current);
    const res = await approve();
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: `UpdateRequest shop/${ur} changed while it was being decided; try again`,
      current_phase: "Pending",
    });
    expect(gateway.patches).toHaveLength(2);
  });

  it("deleted between the read and the patch: 404", async () => {
    const { approve, gateway } = setup({ phase: "Pending" });
    gateway.beforePatch = () => {
      throw new KubeApiError(404, "gone");
    };
    expect((await approve()).status).toBe(404);
  });
});

describe("POST …/reject", () => {
  it("writes Rejected with the user and the reason", async () => {
    const { reject, live, metric, audits } = setup({ phase: "Pending" });
    const res = await reject({ approver: "web-ui", reason: "needs a migration first" });
    expect(res.status).toBe(200);
    expect(live()?.status).toEqual({
      phase: "Rejected",
      rejectedBy: "alice (approver: web-ui)",
      reason: "needs a migration first",
    });
    expect(await metric("headwind_updates_rejected_total")).toMatch(/headwind_updates_rejected_total 1$/);
    expect(await metric("headwind_updates_approved_total")).toMatch(/ 0$/);
    expect(audits()).toEqual([
      expect.objectContaining({ action: "reject", user: "alice", result: "success", phase: "Rejected" }),
    ]);
  });

  it("without a reason writes none", async () => {
    const { reject, live } = setup({ phase: "Pending" });
    expect((await reject({})).status).toBe(200);
    expect(live()?.status).toEqual({
      phase: "Rejected",
      rejectedBy: "alice",
    });
  });

  it("a request past its expiresAt can still be rejected (the rejection sticks)", async () => {
    const { gateway, reject } = setup({ phase: "Pending" });
    const live = gateway.updateRequests.get(`shop/${ur}`);
    if (live) live.spec.expiresAt = "2026-11-25T11:00:00.000Z";
    expect((await reject()).status).toBe(200);
  });

  it("from Approved: 409 cannot reject", async () => {
    const res = await setup({ phase: "Approved" }).reject();
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: "UpdateRequest is in Approved state, cannot reject",
      current_phase: "Approved",
    });
  });
});

describe("bad input is a 4xx, never a 5xx, and never writes", () => {
  it.each<[string, { body?: unknown; headers?: Record<string, string> }, number, string]>([
    ["malformed JSON", { body: "{" }, 400, "request body is not valid JSON"],
    ["a JSON array", { body: [] }, 400, "request body must be a JSON object"],
    ["null", { body: "null" }, 400, "request body must be a JSON object"],
    ["approver not a string", { body: { approver: 7 } }, 400, "approver must be a string"],
    [
      "approver too long",
      { body: { approver: "a".repeat(129) } },
      400,
      "approver must be at most 128 characters",
    ],
    [
      "approver with a newline",
      { body: { approver: "x\nforged log line" } },
      400,
      "approver must not contain control characters",
    ],
    [
      "text/plain",
      { body: "{}", headers: { "content-type": "text/plain" } },
      415,
      "expected Content-Type application/json",
    ],
    [
      "no content type",
      { body: "{}", headers: { "content-type": "" } },
      415,
      "expected Content-Type application/json",
    ],
    [
      "over 64 KiB",
      { body: { approver: "a", pad: "x".repeat(70_000) } },
      413,
      "request body over 65536 bytes",
    ],
  ])("approve with %s: %i", async (_, options, code, error) => {
    const { call, gateway, audits } = setup({ phase: "Pending" });
    const res = await call("POST", `${base}/approve`, { token: "alice-token", ...options });
    expect(res.status).toBe(code);
    expect(await res.json()).toEqual({ error });
    expect(gateway.patches).toEqual([]);
    if (code !== 413) expect(audits()).toEqual([expect.objectContaining({ result: "invalid", error })]);
  });

  it("reject with a reason over the CRD's 1024 characters: 400", async () => {
    const res = await setup({ phase: "Pending" }).reject({ reason: "r".repeat(1025) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "reason must be at most 1024 characters" });
  });

  it("a chunked body over 64 KiB (no Content-Length): 413", async () => {
    const { app, gateway } = setup({ phase: "Pending" });
    const chunk = new TextEncoder().encode(`{"pad":"${"x".repeat(40_000)}`);
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(chunk);
        controller.enqueue(chunk);
        controller.close();
      },
    });
    const res = await app.request(`${base}/approve`, {
      method: "POST",
      headers: { authorization: "Bearer alice-token", "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(gateway.patches).toEqual([]);
  });

  it("unknown fields are ignored (clients of the original may send more)", async () => {
    const { approve, live } = setup({ phase: "Pending" });
    expect((await approve({ approver: "web-ui", comment: "lgtm" })).status).toBe(200);
    expect(live()?.status?.phase).toBe("Approved");
  });

  it("any body at all: a 2xx or 4xx, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        async (body) => {
          const { call } = setup({ phase: "Pending" });
          const res = await call("POST", `${base}/reject`, { token: "alice-token", body });
          expect(res.status).toBeLessThan(500);
          expect([200, 400]).toContain(res.status);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("Kubernetes API failures: 502/503 with a clear message", () => {
  it.each<[string, number, number, string]>([
    ["no answer at all", 0, 503, "Kubernetes API did not answer: connect ECONNREFUSED"],
    ["overloaded", 429, 503, "Kubernetes API answered 429: connect ECONNREFUSED"],
    ["an internal error", 500, 503, "Kubernetes API answered 500: connect ECONNREFUSED"],
    ["Headwind's own RBAC missing", 403, 502, "Kubernetes API answered 403: connect ECONNREFUSED"],
  ])("%s (%i) → %i", async (_, status, code, error) => {
    const { approve, gateway, lines } = setup({ phase: "Pending" });
    gateway.failure = new KubeApiError(status, "connect ECONNREFUSED");
    const res = await approve();
    expect(res.status).toBe(code);
    expect(await res.json()).toEqual({ error });
    expect(lines).toContainEqual(expect.objectContaining({ msg: "Kubernetes API call failed", level: 50 }));
  });

  it("a failure after authorization is audited as an error", async () => {
    const { approve, gateway, audits } = setup({ phase: "Pending" });
    gateway.beforePatch = () => {
      throw new KubeApiError(503, "etcdserver: request timed out");
    };
    expect((await approve()).status).toBe(503);
    expect(audits()).toEqual([
      expect.objectContaining({ result: "error", error: "etcdserver: request timed out", user: "alice" }),
    ]);
  });

  it("TokenReview failing is a 503, not a 401 (the token may be fine)", async () => {
    const { call, gateway } = setup();
    gateway.failure = new KubeApiError(0, "socket hang up");
    const res = await call("GET", "/api/v1/updates", { token: "alice-token" });
    expect(res.status).toBe(503);
  });
});

describe("GET /api/v1/rollback/{namespace}/{deployment}", () => {
  const history = [
    { container: "nginx", image: "nginx:1.26.0", timestamp: "2026-11-20T10:00:00Z", approvedBy: "alice" },
    {
      container: "nginx",
      image: "nginx:1.27.0",
      timestamp: "2026-11-24T10:00:00Z",
      previousImage: "nginx:1.26.0",
    },
    { container: "sidecar", image: "envoy:1.30.0", timestamp: "2026-11-22T10:00:00Z" },
    { container: "broken" },
  ];
  const withHistory = (text: string) => {
    const deployment = aDeployment("nginx:1.27.0");
    deployment.metadata.annotations = { "headwind.sh/update-history": text };
    return deployment;
  };

  it("answers the history entries, newest first, after a get deployments review", async () => {
    const { call, gateway } = setup();
    gateway.workloads.set("Deployment/shop/web", withHistory(JSON.stringify(history)));
    const res = await call("GET", "/api/v1/rollback/shop/web", { token: "alice-token" });
    expect(res.status).toBe(200);
    const { entries } = (await res.json()) as { entries: { image: string }[] };
    expect(entries.map((e) => e.image)).toEqual(["nginx:1.27.0", "envoy:1.30.0", "nginx:1.26.0"]);
    expect(gateway.reviews.map((r) => r.check)).toEqual([
      { verb: "get", group: "apps", resource: "deployments", namespace: "shop", name: "web" },
    ]);
  });

  it("?container= keeps that container's entries", async () => {
    const { call, gateway } = setup();
    gateway.workloads.set("Deployment/shop/web", withHistory(JSON.stringify(history)));
    const res = await call("GET", "/api/v1/rollback/shop/web?container=nginx", { token: "alice-token" });
    expect(await res.json()).toEqual({ entries: [history[1], history[0]] });
  });

  it("no or unreadable history: no entries", async () => {
    const { call, gateway } = setup();
    gateway.workloads.set("Deployment/shop/web", withHistory("not json"));
    gateway.workloads.set("Deployment/shop/plain", aDeployment("nginx:1"));
    for (const name of ["web", "plain"]) {
      const res = await call("GET", `/api/v1/rollback/shop/${name}`, { token: "alice-token" });
      expect(await res.json()).toEqual({ entries: [] });
    }
  });

  it("404 for a missing Deployment, 403 without get deployments", async () => {
    const { call } = setup();
    const missing = await call("GET", "/api/v1/rollback/shop/nope", { token: "alice-token" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "Deployment not found: shop/nope" });
    const denied = await call("GET", "/api/v1/rollback/shop/web", { token: "bob-token" });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ error: "bob may not get deployments web in namespace shop" });
  });

  it("takes every managed kind, in kubectl's spellings, for the history too", async () => {
    const { call, gateway } = setup();
    gateway.grants.push({ user: "alice", verb: "get", resource: "statefulsets", namespace: "shop" });
    const sts = { ...withHistory(JSON.stringify(history)), kind: "StatefulSet" };
    gateway.workloads.set("StatefulSet/shop/web", sts);
    for (const kind of ["statefulset", "statefulsets", "sts", "StatefulSet"]) {
      const res = await call("GET", `/api/v1/rollback/shop/${kind}/web`, { token: "alice-token" });
      expect(res.status).toBe(200);
    }
    const odd = await call("GET", "/api/v1/rollback/shop/pods/web", { token: "alice-token" });
    expect(odd.status).toBe(400);
    expect(await odd.json()).toEqual({
      error:
        'not a workload kind Headwind manages: "pods" (deployment, statefulset, daemonset, cronjob, helmrelease)',
    });
  });

  it("takes a Flux HelmRelease, after a get review in its own API group", async () => {
    const { call, gateway } = setup();
    gateway.grants.push({ user: "alice", verb: "get", resource: "helmreleases", namespace: "shop" });
    const entries = [
      { container: "podinfo", image: "6.6.0", previousImage: "6.5.0", timestamp: "2026-11-24T10:00:00Z" },
    ];
    const release = {
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      metadata: {
        name: "web",
        namespace: "shop",
        annotations: { "headwind.sh/update-history": JSON.stringify(entries) },
      },
      spec: { chart: { spec: { chart: "podinfo", version: "6.6.0" } } },
    };
    gateway.workloads.set("HelmRelease/shop/web", release);
    for (const kind of ["helmrelease", "helmreleases", "hr", "HelmRelease"]) {
      const res = await call("GET", `/api/v1/rollback/shop/${kind}/web`, { token: "alice-token" });
      expect(await res.json()).toEqual({ entries });
    }
    expect(gateway.reviews.at(-1)?.check).toEqual({
      verb: "get",
      group: "helm.toolkit.fluxcd.io",
      resource: "helmreleases",
      namespace: "shop",
      name: "web",
    });
    const denied = await call("GET", "/api/v1/rollback/shop/hr/web", { token: "bob-token" });
    expect(await denied.json()).toEqual({ error: "bob may not get helmreleases web in namespace shop" });
  });
});

describe("POST /api/v1/rollback/{ns}/{kind}/{name}", () => {
  it("needs create updaterequests in the namespace, asked before anything is read", async () => {
    const { call, gateway, personTokens, audits } = setup();
    const res = await call("POST", "/api/v1/rollback/shop/daemonset/agent", { token: "bob-token" });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: "bob may not create updaterequests in namespace shop" });
    expect(gateway.reviews.map((r) => r.check)).toEqual([
      { verb: "create", group: "headwind.sh", resource: "updaterequests", namespace: "shop" },
    ]);
    expect(personTokens).toEqual([]);
    expect(audits()).toEqual([]);
  });

  it.each([
    ["/api/v1/rollback/shop/web", { body: "[1]" }, 400, "request body must be a JSON object"],
    ["/api/v1/rollback/shop/web", { body: { to: 7 } }, 400, "to must be a string"],
    [
      "/api/v1/rollback/shop/web",
      { body: "x", headers: { "content-type": "text/plain" } },
      415,
      "expected Content-Type application/json",
    ],
    [
      "/api/v1/rollback/shop/jobs/web",
      {},
      400,
      'not a workload kind Headwind manages: "jobs" (deployment, statefulset, daemonset, cronjob, helmrelease)',
    ],
    ["/api/v1/rollback/Shop/web", {}, 400, 'not a namespace name: "Shop"'],
  ])("%s %j: %i, and nothing is done as the person", async (path, options, status, error) => {
    const { call, gateway, personTokens } = setup();
    gateway.grants.push({ user: "alice", verb: "create", resource: "updaterequests", namespace: "shop" });
    const res = await call("POST", path, { token: "alice-token", ...options });
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error });
    expect(personTokens).toEqual([]);
  });

  it("acts with the caller's own token, and says so when the apiserver cannot be reached", async () => {
    const { call, gateway, personTokens } = setup();
    gateway.grants.push({ user: "alice", verb: "create", resource: "updaterequests", namespace: "shop" });
    const res = await call("POST", "/api/v1/rollback/shop/deploy/web", { token: "alice-token" });
    expect(personTokens).toEqual(["alice-token"]);
    expect(res.status).toBe(503);
  });

  it("takes a Flux HelmRelease by kubectl's spellings, and acts as the caller", async () => {
    const { call, gateway, personTokens } = setup();
    gateway.grants.push({ user: "alice", verb: "create", resource: "updaterequests", namespace: "shop" });
    for (const kind of ["helmrelease", "hr"]) {
      const res = await call("POST", `/api/v1/rollback/shop/${kind}/web`, {
        token: "alice-token",
        body: { to: "6.5.0" },
      });
      expect(res.status).toBe(503);
    }
    expect(personTokens).toEqual(["alice-token", "alice-token"]);
  });
});

describe("headwind_api_requests_total{route,code}", () => {
  it("counts every /api request by route and status", async () => {
    const { call, approve, metric } = setup({ phase: "Pending" });
    await call("GET", "/api/v1/updates");
    await call("GET", "/api/v1/updates?namespace=shop", { token: "alice-token" });
    await approve();
    await approve();
    await call("GET", "/api/v1/nothing-here", { token: "alice-token" });
    await call("GET", "/health");
    const text = await metric("headwind_api_requests_total");
    for (const line of [
      'headwind_api_requests_total{route="list",code="401"} 1',
      'headwind_api_requests_total{route="list",code="200"} 1',
      'headwind_api_requests_total{route="approve",code="200"} 1',
      'headwind_api_requests_total{route="approve",code="409"} 1',
      'headwind_api_requests_total{route="unmatched",code="404"} 1',
    ])
      expect(text).toContain(line);
    expect(text).not.toContain("health");
  });
});
