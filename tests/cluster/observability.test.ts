// What an operator's Grafana and Prometheus will query exists: both processes run as shipped
// (`npm start`, `npm run start:sidecar`) under their own ServiceAccounts, a whole flow goes through
// them (a rate-limited first poll, a proposal, an approval through the API, a completed rollout, a
// webhook push deferred by min-update-interval, a refused and an unused webhook, an invalid
// annotation, a repository the registry lacks, a garbled hook call), then both /metrics are scraped and every metric name in every dashboard query and
// every alert rule must be among the samples they expose.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tagConfigMapName } from "../../src/core/tags/tag-configmap.ts";
import {
  adminConfig,
  applyObjects,
  createTestNamespace,
  kubeRequest,
  serviceAccountConfig,
  waitFor,
} from "../helpers/cluster.ts";
import {
  type HeadwindProcess,
  startHeadwindProcess,
  writeLoopbackPreload,
} from "../helpers/headwind-process.ts";
import { createMetacontrollerDriver, type DecoratorController } from "../helpers/metacontroller-driver.ts";
import {
  headwindNamespace as hw,
  installHeadwind,
  listUpdateRequests,
  passErrors,
  reportRolloutDone,
  workload,
} from "../helpers/metacontroller-harness.ts";
import { dashboardQueries, parseQuery, type Query, ruleQueries } from "../helpers/promql-names.ts";
import { type RegistryProxy, startRegistryProxy } from "../helpers/registry-proxy.ts";
import { pushImage } from "../helpers/registry-push.ts";
import { freePort, type RegistryServer, startRegistry } from "../helpers/registry-server.ts";
import { installSidecarRbac } from "../helpers/sidecar-cluster.ts";

const webhookToken = "Bearer observability-test-webhook-token";

let admin: KubeConfig;
let controllers: DecoratorController[];
let registry: RegistryServer;
let proxy: RegistryProxy;
let dir: string;
let ns: string;
const processes: HeadwindProcess[] = [];

async function kubeconfigFor(account: string): Promise<string> {
  const file = join(dir, `${account}.kubeconfig`);
  await writeFile(file, (await serviceAccountConfig(admin, hw, account)).exportConfig());
  return file;
}

/** The sample names of a /metrics answer (HELP and TYPE lines alone do not count). */
async function sampleNames(port: number): Promise<Set<string>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return new Set(
    text
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("#"))
      .map((line) => line.split(/[{ ]/, 1)[0] ?? ""),
  );
}

/** A CNCF distribution notification for one pushed tag, as the registry would POST it. */
function pushEvent(repository: string, tag: string, digest: string) {
  return {
    events: [
      {
        id: `event-${tag}`,
        timestamp: new Date().toISOString(),
        action: "push",
        target: {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest,
          repository,
          url: `http://${proxy.host}/v2/${repository}/manifests/${digest}`,
          tag,
        },
        request: { id: `request-${tag}`, host: proxy.host, method: "PUT", useragent: "test" },
      },
    ],
  };
}

beforeAll(async () => {
  admin = adminConfig();
  controllers = await installHeadwind(admin);
  await installSidecarRbac(admin);
  dir = await mkdtemp(join(tmpdir(), "headwind-observability-"));
  registry = await startRegistry();
  // The registry's first tag listing answers 429 once, as a busy registry would.
  let limited = false;
  proxy = await startRegistryProxy(registry.origin, async (request) => {
    if (limited || !new URL(request.url).pathname.endsWith("/tags/list")) return undefined;
    limited = true;
    return new Response("slow down", { status: 429, headers: { "retry-after": "1" } });
  });
  ns = await createTestNamespace(admin, "hw-obs");
});

afterAll(async () => {
  for (const { child } of processes) if (child.exitCode === null) child.kill("SIGKILL");
  await proxy?.close();
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("dashboard and alert queries against the processes' real metrics", () => {
  it("names only metrics that both processes expose after a whole flow", async () => {
    const repository = `${ns}/app`;
    const image = (tag: string) => `${proxy.host}/${repository}:${tag}`;
    await pushImage(registry.origin, repository, ["1.0.0", "1.1.0"]);
    await pushImage(registry.origin, `${ns}/unused`, ["1.0.0"]);
    await applyObjects(
      admin,
      [
        workload("web", image("1.0.0"), { annotations: { "headwind.sh/policy": "minor" } }),
        // An invalid policy: an annotation error, and the workload is left alone.
        workload("odd", image("1.0.0"), { annotations: { "headwind.sh/policy": "sideways" } }),
        // A repository the registry does not have: its polls fail.
        workload("ghost", `${proxy.host}/${ns}/missing:1.0.0`, {
          annotations: { "headwind.sh/policy": "minor" },
        }),
      ] as KubernetesObject[],
      { namespace: ns },
    );

    const preload = await writeLoopbackPreload(dir);
    const webhooks = join(dir, "webhooks.yaml");
    await writeFile(
      webhooks,
      "sources:\n  - name: registry\n    vendor: distribution\n    path: distribution\n    auth: { type: header-token, secretEnv: REGISTRY_WEBHOOK_TOKEN }\n",
    );
    const [sidecarPort, sidecarMetrics] = [await freePort(), await freePort()];
    processes.push(
      startHeadwindProcess(
        "src/sidecar/main.ts",
        {
          KUBECONFIG: await kubeconfigFor("headwind-sidecar"),
          HOME: dir,
          PORT: String(sidecarPort),
          METRICS_PORT: String(sidecarMetrics),
          HEADWIND_NAMESPACE: hw,
          HEADWIND_WEBHOOK_CONFIG: webhooks,
          REGISTRY_WEBHOOK_TOKEN: webhookToken,
          HEADWIND_INTEREST_INTERVAL_SECONDS: "5",
          POD_NAME: "observability-sidecar",
          LOG_LEVEL: "warn",
        },
        [preload],
      ),
    );
    const [hooksPort, apiPort, hooksMetrics] = [await freePort(), await freePort(), await freePort()];
    processes.push(
      startHeadwindProcess("src/hooks-server/main.ts", {
        KUBECONFIG: await kubeconfigFor("headwind-hooks"),
        PORT: String(hooksPort),
        API_PORT: String(apiPort),
        METRICS_PORT: String(hooksMetrics),
        HEADWIND_NAMESPACE: hw,
        LOG_LEVEL: "warn",
      }),
    );
    const logs = () => processes.map((p) => p.logs()).join("\n");
    for (const port of [sidecarPort, hooksPort]) {
      await waitFor(
        `/readyz on ${port}`,
        async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok,
        { timeoutMs: 30_000 },
      ).catch((error: unknown) => {
        throw new Error(`${error}\n${logs()}`);
      });
    }
    const configMapPath = `/api/v1/namespaces/${hw}/configmaps/${tagConfigMapName(`${proxy.host}/${repository}`)}`;
    const tagsWritten = (tags: string) =>
      waitFor(
        `tags ${tags} in the ConfigMap`,
        async () =>
          (
            (await kubeRequest(admin, "GET", configMapPath).catch(() => undefined)) as
              | { data?: { tags?: string } }
              | undefined
          )?.data?.tags === tags,
        { timeoutMs: 30_000 },
      );
    await tagsWritten("1.0.0\n1.1.0");

    const driver = createMetacontrollerDriver({
      kubeConfig: admin,
      controllers,
      hookBaseUrl: `http://127.0.0.1:${hooksPort}`,
      trigger: "changes",
      namespaces: [ns],
    });
    expect(passErrors(await driver.settle())).toEqual([]);
    const [proposed] = (await listUpdateRequests(admin, ns)).filter(
      (ur) => ur.spec.newImage === image("1.1.0"),
    );
    expect(proposed?.status?.phase).toBe("Pending");

    const adminToken = admin.getCurrentUser()?.token ?? "";
    const approval = await fetch(
      `http://127.0.0.1:${apiPort}/api/v1/updates/${ns}/${proposed?.metadata.name}/approve`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
        body: "{}",
      },
    );
    expect(approval.status).toBe(200);
    expect(passErrors(await driver.settle())).toEqual([]);
    await reportRolloutDone(admin, ns, "web");
    expect(passErrors(await driver.settle())).toEqual([]);
    expect((await listUpdateRequests(admin, ns)).map((ur) => ur.status?.phase)).toContain("Completed");

    // A webhook push of 1.2.0: recorded after the registry confirms it, then deferred by the
    // default five-minute min-update-interval since the update just made.
    const digest = await pushImage(registry.origin, repository, ["1.2.0"]);
    const deliver = (body: unknown, token: string) =>
      fetch(`http://127.0.0.1:${sidecarPort}/webhooks/distribution`, {
        method: "POST",
        headers: { authorization: token, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await deliver(pushEvent(repository, "1.2.0", digest), webhookToken)).status).toBe(202);
    await tagsWritten("1.0.0\n1.1.0\n1.2.0");
    expect(passErrors(await driver.settle())).toEqual([]);
    expect((await deliver(pushEvent(repository, "1.3.0", digest), "Bearer wrong")).status).toBe(401);
    expect((await deliver(pushEvent(`${ns}/unused`, "1.0.0", digest), webhookToken)).status).toBe(202);

    // A hook call Headwind cannot read: answered 400 and counted as a hook error.
    const garbled = await fetch(`http://127.0.0.1:${hooksPort}/hooks/workloads/sync`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"parent": 42}',
    });
    expect(garbled.status).toBe(400);

    const exposed = new Set([...(await sampleNames(hooksMetrics)), ...(await sampleNames(sidecarMetrics))]);
    const missing = (queries: readonly Query[]) =>
      queries.flatMap(({ where, expr }) =>
        parseQuery(expr)
          .names.filter((name) => !exposed.has(name))
          .map((name) => `${where}: ${name}`),
      );
    expect(missing(dashboardQueries()), "dashboard queries naming metrics no process exposes").toEqual([]);
    expect(missing(ruleQueries()), "alert rules naming metrics no process exposes").toEqual([]);
    // The gauges read from the apiserver saw this flow's request.
    const hooksText = await (await fetch(`http://127.0.0.1:${hooksMetrics}/metrics`)).text();
    expect(hooksText).toMatch(/^headwind_updaterequests\{phase="Completed"\} [1-9]/m);
  });
});
