// The hooks composition root as shipped: `node --import tsx src/hooks-server/main.ts` (what
// `npm start` runs) with the admin kubeconfig: it listens on its three ports, answers health,
// metrics and a hook call (401 without the hook credential), refuses a bad configuration or a
// missing credential with a clear message, and exits 0 on SIGTERM.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminConfig, waitFor } from "../helpers/cluster.ts";
import { freePort } from "../helpers/registry-server.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
let dir: string;
let kubeconfig: string;
const token = randomBytes(32).toString("hex");

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "headwind-hooks-process-"));
  kubeconfig = join(dir, "kubeconfig");
  await writeFile(kubeconfig, adminConfig().exportConfig());
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function startHooks(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/hooks-server/main.ts"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", KUBECONFIG: kubeconfig, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, logs: () => output, exited };
}

describe("npm start (hooks server)", () => {
  it("serves hooks, health, metrics, the approval API and the dashboard; SIGTERM exits 0", async () => {
    const [port, metricsPort, apiPort, dashboardPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const hooks = startHooks({
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      API_PORT: String(apiPort),
      DASHBOARD_PORT: String(dashboardPort),
      HEADWIND_HOOK_TOKEN: token,
    });
    try {
      await waitFor(
        "readyz",
        async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok,
      );
      const customize = (authorization?: string) =>
        fetch(`http://127.0.0.1:${port}/hooks/workloads/customize`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
          body: "{not json",
        });
      expect((await customize()).status).toBe(401);
      expect((await customize(`Bearer ${token}`)).status).toBe(400);
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toContain("process_cpu_user_seconds_total");
      const api = await fetch(`http://127.0.0.1:${apiPort}/api/v1/updates`);
      expect(api.status).toBe(401);
      const dashboard = await fetch(`http://127.0.0.1:${dashboardPort}/`, { redirect: "manual" });
      expect([dashboard.status, dashboard.headers.get("location")]).toEqual([303, "/login"]);
      const htmx = await fetch(`http://127.0.0.1:${dashboardPort}/static/htmx.min.js`);
      expect(htmx.status).toBe(200);
    } finally {
      hooks.child.kill("SIGTERM");
    }
    expect(await hooks.exited).toBe(0);
    expect(hooks.logs()).toContain("shutting down");
  });

  it("refuses to start on a bad configuration and says why", async () => {
    const hooks = startHooks({
      PORT: "0",
      HEADWIND_NAMESPACE: "Not_A_Namespace",
      HEADWIND_HOOK_TOKEN: token,
    });
    expect(await hooks.exited).not.toBe(0);
    expect(hooks.logs()).toContain("HEADWIND_NAMESPACE is not a namespace name");
  });

  it("refuses to start without a hook credential, unless told it runs without one", async () => {
    const hooks = startHooks({ PORT: "0" });
    expect(await hooks.exited).not.toBe(0);
    expect(hooks.logs()).toContain("HEADWIND_HOOK_TOKEN is not set");
  });
});
