// The composition root as shipped: `node --import tsx src/sidecar/main.ts` (what
// `npm run start:sidecar` runs) with the headwind-sidecar ServiceAccount's token in a kubeconfig,
// a webhook config file and a real docker-registry. It becomes ready, leads, polls, writes the
// ConfigMap, serves metrics, and on SIGTERM gives the Lease back. Without any cluster it still
// starts and answers /healthz, and /readyz says why it is not ready.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tagConfigMapName } from "../../src/core/tags/tag-configmap.ts";
import type { ConfigMapObject, LeaseObject } from "../../src/sidecar/runtime/sidecar-kube.ts";
import {
  adminConfig,
  applyObjects,
  createTestNamespace,
  kubeRequest,
  serviceAccountToken,
  waitFor,
} from "../helpers/cluster.ts";
import { serviceAccountKubeconfig } from "../helpers/headwind-install.ts";
import { pushImage } from "../helpers/registry-push.ts";
import { freePort, type RegistryServer, startRegistry } from "../helpers/registry-server.ts";
import { headwindNamespace as hw, installSidecarRbac } from "../helpers/sidecar-cluster.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const token = "Bearer process-test-webhook-token";

let admin: KubeConfig;
let registry: RegistryServer;
let dir: string;
const children: ChildProcess[] = [];

function startSidecar(env: Record<string, string>) {
  // Other files leave workloads naming registries such as registry.test:5000: loopback only.
  const args = [
    "--import",
    "tsx",
    "--import",
    "./tests/helpers/loopback-only-fetch.ts",
    "src/sidecar/main.ts",
  ];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, logs: () => output, exited };
}

const get = (url: string) =>
  fetch(url).then(
    async (res) => ({ status: res.status, text: await res.text() }),
    () => undefined,
  );

beforeAll(async () => {
  admin = adminConfig();
  await installSidecarRbac(admin);
  dir = await mkdtemp(join(tmpdir(), "headwind-sidecar-process-"));
  registry = await startRegistry();
  await pushImage(registry.origin, "team/proc", ["1.0.0", "1.1.0"]);
  const ns = await createTestNamespace(admin, "hw-sc-proc");
  await applyObjects(
    admin,
    [
      {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "proc", annotations: { "headwind.sh/policy": "minor" } },
        spec: {
          schedule: "0 0 * * *",
          jobTemplate: {
            spec: {
              template: {
                spec: {
                  restartPolicy: "Never",
                  containers: [{ name: "job", image: `${registry.host}/team/proc:1.0.0` }],
                },
              },
            },
          },
        },
      } as KubernetesObject,
    ],
    { namespace: ns },
  );
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("npm run start:sidecar", () => {
  it("runs as headwind-sidecar: ready, leading, polling into the ConfigMap, metrics; SIGTERM releases the Lease", async () => {
    const cluster = admin.getCurrentCluster();
    const saToken = await serviceAccountToken(admin, hw, "headwind-sidecar");
    const kubeconfig = join(dir, "kubeconfig.json");
    await writeFile(
      kubeconfig,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
          { name: "c", cluster: { server: cluster?.server, "certificate-authority-data": cluster?.caData } },
        ],
        users: [{ name: "sidecar", user: { token: saToken } }],
        contexts: [{ name: "c", context: { cluster: "c", user: "sidecar" } }],
        "current-context": "c",
      }),
    );
    const webhooks = join(dir, "webhooks.yaml");
    await writeFile(
      webhooks,
      "sources:\n  - name: registry\n    vendor: distribution\n    path: distribution\n    auth: { type: header-token, secretEnv: REGISTRY_WEBHOOK_TOKEN }\n",
    );
    const [port, metricsPort] = [await freePort(), await freePort()];
    const started = performance.now();
    const sidecar = startSidecar({
      KUBECONFIG: kubeconfig,
      HOME: dir,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      HEADWIND_NAMESPACE: hw,
      HEADWIND_WEBHOOK_CONFIG: webhooks,
      REGISTRY_WEBHOOK_TOKEN: token,
      HEADWIND_INTEREST_INTERVAL_SECONDS: "5",
      POD_NAME: "process-test",
      LOG_LEVEL: "info",
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor("/readyz 200", async () => (await get(`${base}/readyz`))?.status === 200, {
      timeoutMs: 20_000,
    });
    const readyMs = Math.round(performance.now() - started);
    const repository = `${registry.host}/team/proc`;
    const written = await waitFor(
      "the polled ConfigMap",
      async () =>
        (await kubeRequest(
          admin,
          "GET",
          `/api/v1/namespaces/${hw}/configmaps/${tagConfigMapName(repository)}`,
        )) as ConfigMapObject,
      { timeoutMs: 20_000 },
    );
    expect(written.data?.tags).toBe("1.0.0\n1.1.0");
    console.info(
      `sidecar-process: ready after ${readyMs} ms, ConfigMap after ${Math.round(performance.now() - started)} ms`,
    );
    const metrics = await get(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics?.text).toContain("headwind_sidecar_leader 1");
    expect(metrics?.text).toContain("headwind_sidecar_interest_repositories");
    expect(metrics?.text).toContain(
      `headwind_registry_requests_total{registry="${registry.host}",kind="tags",code="200"} 1`,
    );
    expect(metrics?.text).toContain("process_cpu_user_seconds_total");
    // Whatever else the cluster held, only loopback was contacted: other registries never got past fetch.
    const elsewhere = (metrics?.text ?? "")
      .split("\n")
      .filter(
        (line) =>
          line.startsWith("headwind_registry_requests_total") && !line.includes('registry="127.0.0.1:'),
      );
    expect(elsewhere.filter((line) => !line.includes('code="network"'))).toEqual([]);
    // The webhook route is mounted with the configured source.
    const unauthorized = await fetch(`${base}/webhooks/distribution`, { method: "POST", body: "{}" });
    expect(unauthorized.status).toBe(401);

    const leasePath = `/apis/coordination.k8s.io/v1/namespaces/${hw}/leases/headwind-sidecar`;
    expect(((await kubeRequest(admin, "GET", leasePath)) as LeaseObject).spec.holderIdentity).toBe(
      "process-test",
    );
    sidecar.child.kill("SIGTERM");
    expect(await sidecar.exited).toBe(0);
    expect(
      ((await kubeRequest(admin, "GET", leasePath)) as LeaseObject).spec.holderIdentity ?? null,
    ).toBeNull();
    expect(sidecar.logs()).toContain("shutting down");
  });

  it("a push seconds after a workload is annotated is not lost: the watch knows the repository (event-source: webhook)", async () => {
    const [port, secretPath] = [await freePort(), "late-annotation-4f8c2a9d7e1b3c5a6f0d"];
    const notified = await startRegistry({
      notificationsUrl: `http://127.0.0.1:${port}/webhooks/${secretPath}`,
    });
    try {
      await pushImage(notified.origin, "late/app", ["1.0.0"], { seed: "1.0.0" });
      await pushImage(notified.origin, "late/unused", ["1.0.0"], { seed: "u1" });
      const webhooks = join(dir, "late-webhooks.yaml");
      await writeFile(
        webhooks,
        "sources:\n  - { name: reg, vendor: distribution, pathEnv: LATE_PATH, auth: { type: none-secret-path } }\n",
      );
      const sidecar = startSidecar({
        KUBECONFIG: await serviceAccountKubeconfig(admin, "headwind-sidecar", dir),
        HOME: dir,
        PORT: String(port),
        METRICS_PORT: "0",
        HEADWIND_NAMESPACE: hw,
        HEADWIND_WEBHOOK_CONFIG: webhooks,
        LATE_PATH: secretPath,
        // The periodic LIST cannot be what finds the workload within this test.
        HEADWIND_INTEREST_INTERVAL_SECONDS: "3600",
        POD_NAME: "late-annotation",
        LOG_LEVEL: "warn",
      });
      await waitFor(
        "/readyz 200",
        async () => (await get(`http://127.0.0.1:${port}/readyz`))?.status === 200,
        {
          timeoutMs: 20_000,
        },
      );
      const ns = await createTestNamespace(admin, "hw-sc-late");
      const deployment = (name: string, image: string, annotations: Record<string, string>) =>
        ({
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name, annotations },
          spec: {
            selector: { matchLabels: { app: name } },
            template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image }] } },
          },
        }) as KubernetesObject;
      await applyObjects(
        admin,
        [
          deployment("late", `${notified.host}/late/app:1.0.0`, {
            "headwind.sh/policy": "minor",
            "headwind.sh/event-source": "webhook",
          }),
          deployment("plain", `${notified.host}/late/unused:1.0.0`, {}),
        ],
        { namespace: ns },
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const pushed = performance.now();
      await pushImage(notified.origin, "late/app", ["1.1.0"], { seed: "1.1.0" });
      await pushImage(notified.origin, "late/unused", ["1.1.0"], { seed: "u2" });
      const path = (repository: string) =>
        `/api/v1/namespaces/${hw}/configmaps/${tagConfigMapName(`${notified.host}/${repository}`)}`;
      const written = await waitFor(
        "the pushed tag in the ConfigMap",
        async () => {
          const found = (await kubeRequest(admin, "GET", path("late/app"))) as ConfigMapObject;
          return found.data?.tags?.split("\n").includes("1.1.0") ? found : undefined;
        },
        { timeoutMs: 10_000 },
      );
      console.info(
        `sidecar-process: late annotation, push to ConfigMap ${Math.round(performance.now() - pushed)} ms`,
      );
      // Only the webhook can have written it: a webhook-only repository is never polled.
      expect(written.data?.tags).toBe("1.1.0");
      // A repository no opted-in workload uses is still dropped.
      await expect(kubeRequest(admin, "GET", path("late/unused"))).rejects.toThrow(/404/);
      sidecar.child.kill("SIGTERM");
      expect(await sidecar.exited).toBe(0);
    } finally {
      await notified.stop();
    }
  });

  it("starts without any cluster: /healthz 200, /readyz 503 with the reason", async () => {
    const port = await freePort();
    const sidecar = startSidecar({ HOME: dir, PORT: String(port), METRICS_PORT: "0", LOG_LEVEL: "warn" });
    const base = `http://127.0.0.1:${port}`;
    await waitFor("/healthz 200", async () => (await get(`${base}/healthz`))?.status === 200, {
      timeoutMs: 20_000,
    });
    const ready = await waitFor("/readyz to say why", async () => {
      const answer = await get(`${base}/readyz`);
      return answer?.text.includes("no Kubernetes API") ? answer : undefined;
    });
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toEqual({
      ready: false,
      reasons: [
        expect.stringMatching(
          /^interest not known yet: the workloads have not been listed yet \((Deployment|StatefulSet|DaemonSet|CronJob): no Kubernetes API configured: not in a cluster and no KUBECONFIG or ~\/\.kube\/config\)$/,
        ),
      ],
    });
    sidecar.child.kill("SIGTERM");
    expect(await sidecar.exited).toBe(0);
  });
});
