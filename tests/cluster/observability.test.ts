// What an operator's Grafana and Prometheus will query exists: both processes run as shipped
// (`npm start`, `npm run start:sidecar`) under their own ServiceAccounts, real Metacontroller calls
// the hooks process, a whole flow goes through them (a rate-limited first poll, a proposal, an approval through the API, a completed rollout, a
// webhook push deferred by min-update-interval, a refused and an unused webhook, an invalid
// annotation, a repository the registry lacks, a garbled hook call), then both /metrics are scraped and every metric name in every dashboard query and
// every alert rule must be among the samples they expose.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tagConfigMapName } from "../../src/core/tags/tag-configmap.ts";
import { applyObjects, kubeRequest, waitFor } from "../helpers/cluster.ts";
import { type EntryPoint, startEntryPoint } from "../helpers/entry-point.ts";
import { useFlows } from "../helpers/flows.ts";
import { headwindNamespace as hw, serviceAccountKubeconfig } from "../helpers/headwind-install.ts";
import { listUpdateRequests, reportRolloutDone, workload } from "../helpers/headwind-objects.ts";
import { dashboardQueries, parseQuery, type Query, ruleQueries } from "../helpers/promql-names.ts";
import { type RegistryProxy, startRegistryProxy } from "../helpers/registry-proxy.ts";
import { pushImage } from "../helpers/registry-push.ts";
import { freePort, type RegistryServer, startRegistry } from "../helpers/registry-server.ts";
import { installSidecarRbac, writeLoopbackPreload } from "../helpers/sidecar-cluster.ts";

const flows = useFlows();
const webhookToken = "Bearer observability-test-webhook-token";

let registry: RegistryServer;
let proxy: RegistryProxy;
let dir: string;
const processes: EntryPoint[] = [];

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
  await installSidecarRbac(flows.kc);
  dir = await mkdtemp(join(tmpdir(), "headwind-observability-"));
  registry = await startRegistry();
  // The registry's first tag listing answers 429 once, as a busy registry would.
  let limited = false;
  proxy = await startRegistryProxy(registry.origin, async (request) => {
    if (limited || !new URL(request.url).pathname.endsWith("/tags/list")) return undefined;
    limited = true;
    return new Response("slow down", { status: 429, headers: { "retry-after": "1" } });
  });
});

afterAll(async () => {
  for (const process of processes) await process.stop();
  await proxy?.close();
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Forwards Metacontroller's calls about one namespace to the hooks process, unchanged. */
function forwardTo(origin: string) {
  return async (request: Request) => {
    const url = new URL(request.url);
    const body = await request.text();
    return fetch(`${origin}${url.pathname}`, { method: request.method, headers: request.headers, body });
  };
}

describe("dashboard and alert queries against the processes' real metrics", () => {
  it("names only metrics that both processes expose after a whole flow", async () => {
    const admin = flows.kc;
    const flow = await flows.start();
    const { ns } = flow;
    const repository = `${ns}/app`;
    const image = (tag: string) => `${proxy.host}/${repository}:${tag}`;
    await pushImage(registry.origin, repository, ["1.0.0", "1.1.0"]);
    await pushImage(registry.origin, `${ns}/unused`, ["1.0.0"]);

    const preload = pathToFileURL(await writeLoopbackPreload(dir)).href;
    const webhooks = join(dir, "webhooks.yaml");
    await writeFile(
      webhooks,
      "sources:\n  - name: registry\n    vendor: distribution\n    path: distribution\n    auth: { type: header-token, secretEnv: REGISTRY_WEBHOOK_TOKEN }\n",
    );
    const [sidecarMetrics, hooksMetrics, apiPort] = [await freePort(), await freePort(), await freePort()];
    const sidecar = await startEntryPoint(
      "src/sidecar/main.ts",
      await freePort(),
      {
        KUBECONFIG: await serviceAccountKubeconfig(admin, "headwind-sidecar", dir),
        METRICS_PORT: String(sidecarMetrics),
        HEADWIND_NAMESPACE: hw,
        HEADWIND_WEBHOOK_CONFIG: webhooks,
        REGISTRY_WEBHOOK_TOKEN: webhookToken,
        HEADWIND_INTEREST_INTERVAL_SECONDS: "5",
        POD_NAME: "observability-sidecar",
      },
      { output: "ignore", preloads: [preload] },
    );
    processes.push(sidecar);
    // A sidecar of an earlier test file may have left the Lease held: it lapses within 15 s.
    await waitFor(
      "the sidecar to lead",
      async () =>
        /^headwind_sidecar_leader 1$/m.test(
          await (await fetch(`http://127.0.0.1:${sidecarMetrics}/metrics`)).text(),
        ),
      { timeoutMs: 60_000 },
    );
    const hooks = await startEntryPoint(
      "src/hooks-server/main.ts",
      await freePort(),
      {
        KUBECONFIG: await serviceAccountKubeconfig(admin, "headwind-hooks", dir),
        API_PORT: String(apiPort),
        METRICS_PORT: String(hooksMetrics),
        HEADWIND_NAMESPACE: hw,
        // What Metacontroller reads from the Secret and sends; the router passes it on unchanged.
        HEADWIND_HOOK_TOKEN: flows.credential,
      },
      { output: "ignore" },
    );
    processes.push(hooks);
    // Real Metacontroller now calls the hooks process for this namespace's objects.
    flows.router.route(ns, forwardTo(hooks.origin));

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
    const configMapPath = `/api/v1/namespaces/${hw}/configmaps/${tagConfigMapName(`${proxy.host}/${repository}`)}`;
    const tagsWritten = (tags: string) =>
      waitFor(
        `tags ${tags.replaceAll("\n", ", ")} in the ConfigMap`,
        async () => {
          const configMap = (await kubeRequest(admin, "GET", configMapPath).catch(() => undefined)) as
            | { data?: { tags?: string } }
            | undefined;
          return configMap?.data?.tags === tags;
        },
        // The process's first cycle also polls every workload other test files left on this
        // apiserver, most of them on registries long stopped (each retried before it fails).
        { timeoutMs: 90_000 },
      );
    await tagsWritten("1.0.0\n1.1.0");

    const proposed = await flow.waitForPhase("Pending");
    expect(proposed.spec.newImage).toBe(image("1.1.0"));
    const approval = await fetch(
      `http://127.0.0.1:${apiPort}/api/v1/updates/${ns}/${proposed.metadata.name}/approve`,
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${admin.getCurrentUser()?.token ?? ""}`,
          "content-type": "application/json",
        },
        body: "{}",
      },
    );
    expect(approval.status).toBe(200);
    await flow.waitForPhase("Progressing", proposed.metadata.name);
    await reportRolloutDone(admin, ns, "web");
    await flow.waitForPhase("Completed", proposed.metadata.name);

    // A webhook push of 1.2.0: recorded once the registry confirms it, then deferred by the
    // default five-minute min-update-interval since the update just made.
    const digest = await pushImage(registry.origin, repository, ["1.2.0"]);
    const deliver = (body: unknown, token: string) =>
      fetch(`${sidecar.origin}/webhooks/distribution`, {
        method: "POST",
        headers: { authorization: token, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await deliver(pushEvent(repository, "1.2.0", digest), webhookToken)).status).toBe(202);
    await tagsWritten("1.0.0\n1.1.0\n1.2.0");
    expect((await deliver(pushEvent(repository, "1.3.0", digest), "Bearer wrong")).status).toBe(401);
    expect((await deliver(pushEvent(`${ns}/unused`, "1.0.0", digest), webhookToken)).status).toBe(202);
    // A hook call Headwind cannot read (with the credential, so it is read): 400, counted as a hook error.
    const garbled = await fetch(`${hooks.origin}/hooks/workloads/sync`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${flows.credential}` },
      body: '{"parent": 42}',
    });
    expect(garbled.status).toBe(400);
    await flow.settle();
    expect((await listUpdateRequests(admin, ns)).map((ur) => ur.status?.phase)).toEqual(["Completed"]);

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
    expect(hooksText).toMatch(/^headwind_updates_skipped_interval_total\{kind="Deployment"\} [1-9]/m);
  }, 300_000);
});
