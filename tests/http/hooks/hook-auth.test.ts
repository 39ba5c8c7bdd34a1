// Hook calls need the credential Metacontroller sends (webhook.authorization in hooks/*.yaml): the
// attack of issue 7 — one forged POST from anywhere in the cluster — starts with a 401 now.
import { describe, expect, it } from "vitest";
import { fakeKubeGateway } from "../../helpers/fake-kube-gateway.ts";
import { hooksApp, hookToken, recordingExecutor } from "../../helpers/hooks-app.ts";
import { aDeployment, anUpdateRequest, urRequest } from "../../helpers/update-requests.ts";

const hooks = [
  "/hooks/workloads/customize",
  "/hooks/workloads/sync",
  "/hooks/updaterequests/customize",
  "/hooks/updaterequests/sync",
];
const forged = urRequest(anUpdateRequest({ phase: "Applying" }), aDeployment("nginx:1.25.3"));

describe("hook authentication", () => {
  it.each(hooks)("%s: 401 without a credential, and nothing runs", async (path) => {
    const execute = recordingExecutor();
    const gateway = fakeKubeGateway();
    const { post, registry } = hooksApp({ execute, gateway });
    const res = await post(path, forged, { authorization: "" });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="headwind-hooks"');
    expect(await res.json()).toEqual({ error: "hook calls need the credential from the hook Secret" });
    expect(execute.effects).toEqual([]);
    expect(gateway.calls).toEqual([]);
    expect(await registry.getSingleMetricAsString("headwind_hook_unauthorized_total")).toContain(
      'headwind_hook_unauthorized_total{reason="missing"} 1',
    );
  });

  it("401 for a wrong credential, another scheme, or the right one not as a bearer token", async () => {
    const { post, registry } = hooksApp();
    for (const authorization of [`Bearer ${"x".repeat(42)}`, `Basic ${hookToken}`, hookToken]) {
      expect((await post("/hooks/updaterequests/sync", forged, { authorization })).status).toBe(401);
    }
    expect(await registry.getSingleMetricAsString("headwind_hook_unauthorized_total")).toContain(
      'headwind_hook_unauthorized_total{reason="invalid"} 3',
    );
  });

  it("accepts every configured value, so the Secret can be rotated without downtime", async () => {
    const next = "n".repeat(64);
    const { post } = hooksApp({ hookAuth: { mode: "bearer", tokens: [hookToken, next] } });
    for (const token of [hookToken, next]) {
      const res = await post(
        "/hooks/workloads/customize",
        { parent: aDeployment("nginx:1") },
        {
          authorization: `Bearer ${token}`,
        },
      );
      expect(res.status).toBe(200);
    }
  });

  it("answers 401 before reading the body: an unauthenticated caller cannot make it read 16 MiB", async () => {
    const { app } = hooksApp({ maxBodyBytes: 1024 });
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 64) controller.close();
        else controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const res = await app.request("/hooks/workloads/sync", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(401);
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it("keeps health endpoints open, and runs without authentication only when told so", async () => {
    const { app } = hooksApp();
    expect((await app.request("/healthz")).status).toBe(200);
    expect((await app.request("/readyz")).status).toBe(200);
    const open = hooksApp({ hookAuth: { mode: "disabled" } });
    const res = await open.post(
      "/hooks/workloads/customize",
      { parent: aDeployment("nginx:1") },
      {
        authorization: "",
      },
    );
    expect(res.status).toBe(200);
  });
});
