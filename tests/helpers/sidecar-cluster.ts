/**
 * The registry sidecar on the real apiserver, for tests/cluster/sidecar-*.test.ts: installs the
 * namespace and the sidecar's RBAC as shipped, acts with the headwind-sidecar ServiceAccount's
 * token (so every call is an RBAC-checked real call), and builds the sidecar's parts the way
 * src/sidecar/main.ts does — with loopback-only registry access and counted requests.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import pino from "pino";
import { Registry } from "prom-client";
import type { KubeObject } from "../../src/core/kube-object.ts";
import { workloadKinds } from "../../src/core/workloads/workload-kinds.ts";
import { createKubeTransport, type KubeTransport } from "../../src/kube/create-kube-transport.ts";
import { createKubeWatch } from "../../src/kube/create-kube-watch.ts";
import { listAllPages } from "../../src/kube/list-pages.ts";
import { createPollerMetrics } from "../../src/sidecar/poller/create-poller-metrics.ts";
import type { CloudCredentials } from "../../src/sidecar/registry/cloud/create-cloud-credentials.ts";
import { createRegistryClient } from "../../src/sidecar/registry/create-registry-client.ts";
import { createDockerConfigLoader } from "../../src/sidecar/runtime/create-docker-config-loader.ts";
import { createLeaseElector } from "../../src/sidecar/runtime/create-lease-elector.ts";
import { createSidecarApp } from "../../src/sidecar/runtime/create-sidecar-app.ts";
import { createSidecarMetrics } from "../../src/sidecar/runtime/create-sidecar-metrics.ts";
import { createSidecarRuntime } from "../../src/sidecar/runtime/create-sidecar-runtime.ts";
import { createTagStore } from "../../src/sidecar/runtime/create-tag-store.ts";
import { createWorkloadView, isOptedIn } from "../../src/sidecar/runtime/create-workload-view.ts";
import { createSidecarKube } from "../../src/sidecar/runtime/sidecar-kube.ts";
import { createWebhookMetrics } from "../../src/sidecar/webhooks/create-webhook-metrics.ts";
import type { WebhookSource } from "../../src/sidecar/webhooks/webhook-source.ts";
import { applyObjects, applyYamlFile, kubeRequest, serviceAccountConfig, waitFor } from "./cluster.ts";
import { createCountingFetch } from "./registry-counting-fetch.ts";

export const headwindNamespace = "headwind";
const manifest = (file: string) => new URL(`../../manifests/${file}`, import.meta.url);

/** Applies manifests/namespace.yaml and rbac-sidecar.yaml; answers a config acting as headwind-sidecar. */
export async function installSidecarRbac(admin: KubeConfig): Promise<KubeConfig> {
  await applyYamlFile(admin, manifest("namespace.yaml"));
  await applyYamlFile(admin, manifest("rbac-sidecar.yaml"));
  const sidecar = await serviceAccountConfig(admin, headwindNamespace, "headwind-sidecar");
  // The authorizer learns bindings from an informer: wait until the grant is live.
  await waitFor("the sidecar's RBAC to take effect", async () => {
    await kubeRequest(sidecar, "GET", `/api/v1/namespaces/${headwindNamespace}/configmaps?limit=1`);
    await kubeRequest(sidecar, "GET", "/apis/apps/v1/deployments?limit=1");
    return true;
  });
  return sidecar;
}

/** What components/pull-secrets does: lets the sidecar read pull secrets in `namespace`. */
export async function bindPullSecrets(
  admin: KubeConfig,
  sidecar: KubeConfig,
  namespace: string,
  secret: string,
) {
  await applyObjects(admin, [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "headwind-sidecar-pull-secrets", namespace },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: "headwind-sidecar-pull-secrets",
      },
      subjects: [{ kind: "ServiceAccount", name: "headwind-sidecar", namespace: headwindNamespace }],
    } as never,
  ]);
  await waitFor("the pull-secrets binding to take effect", async () => {
    await kubeRequest(sidecar, "GET", `/api/v1/namespaces/${namespace}/secrets/${secret}`);
    return true;
  });
}

/**
 * Other cluster-tier files leave annotated workloads behind that name registries we must never
 * call (loopback only): anything but 127.0.0.1 fails at once, without a packet sent.
 */
export function loopbackOnly(inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.hostname !== "127.0.0.1") throw new TypeError(`test sidecar refuses non-loopback ${url.origin}`);
    return inner(input, init);
  };
}

/**
 * The same refusal for a sidecar running as a process: a module to import first (node --import)
 * that wraps its global fetch. Written into `dir`; returns its path.
 */
export async function writeLoopbackPreload(dir: string): Promise<string> {
  const file = join(dir, "loopback-only.mjs");
  await writeFile(
    file,
    `const inner = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : input);
  if (url.hostname !== "127.0.0.1") throw new TypeError("test sidecar refuses non-loopback " + url.origin);
  return inner(input, init);
};
`,
  );
  return file;
}

/** Records `METHOD path` of every API call (query dropped), to count what a cycle costs. */
export function countingTransport(inner: KubeTransport) {
  const calls: string[] = [];
  const transport: KubeTransport = (request) => {
    calls.push(`${request.method} ${request.path.split("?")[0]}`);
    return inner(request);
  };
  return { transport, calls };
}

export interface TestSidecarOptions {
  readonly config: KubeConfig;
  readonly identity: string;
  /** The poller's clock (settable, to make repositories due); the Lease always runs on real time. */
  readonly clock?: () => number;
  readonly leaseDurationSeconds?: number;
  /** Default headwind-sidecar; tests that race replicas use their own Lease. */
  readonly leaseName?: string;
  readonly sources?: readonly WebhookSource[];
  readonly pollIntervalSeconds?: number;
  readonly cloudCredentials?: CloudCredentials;
}

export function createTestSidecar(options: TestSidecarOptions) {
  const clock = options.clock ?? Date.now;
  const logger = pino({ level: process.env.HEADWIND_TEST_LOG ?? "silent" });
  const register = new Registry();
  const metrics = {
    sidecar: createSidecarMetrics(register),
    poller: createPollerMetrics(register),
    webhook: createWebhookMetrics(register),
  };
  const kubeCalls = countingTransport(createKubeTransport(options.config));
  const watch = createKubeWatch(options.config);
  const kube = createSidecarKube(kubeCalls.transport, watch);
  const view = createWorkloadView({
    kube,
    kinds: workloadKinds,
    resyncMs: 300_000,
    onChange: () => {},
    onError: () => {},
  });
  const watching = new AbortController();
  void view.run(watching.signal);
  const registryCalls = createCountingFetch(loopbackOnly());
  // No retries: a refused (non-loopback) registry must fail at once, not after backoff.
  const client = createRegistryClient({
    fetch: registryCalls.fetch,
    clock: Date.now,
    observer: metrics.poller.observer,
    maxRetries: 0,
  });
  const elector = createLeaseElector({
    kube,
    namespace: headwindNamespace,
    identity: options.identity,
    clock: Date.now,
    ...(options.leaseDurationSeconds === undefined
      ? {}
      : { leaseDurationSeconds: options.leaseDurationSeconds }),
    ...(options.leaseName === undefined ? {} : { name: options.leaseName }),
    onChange: (leader) => metrics.sidecar.leader.set(leader ? 1 : 0),
  });
  const store = createTagStore({
    kube,
    namespace: headwindNamespace,
    metrics: metrics.sidecar,
    logger,
    clock: Date.now,
  });
  const runtime = createSidecarRuntime({
    kube,
    workloads: view.workloads,
    client,
    store,
    elector,
    loadDockerConfigs: createDockerConfigLoader({ kube, logger, clock: Date.now, ttlMs: 0 }),
    namespace: headwindNamespace,
    defaultPollingIntervalSeconds: options.pollIntervalSeconds ?? 300,
    registryCredentials: [],
    metrics,
    clock,
    logger,
    ...(options.cloudCredentials === undefined ? {} : { cloudCredentials: options.cloudCredentials }),
  });
  const app = createSidecarApp({
    sources: options.sources ?? [],
    onEvents: runtime.onEvents,
    readiness: () => runtime.notReadyReasons(),
    clock: Date.now,
    logger,
    metrics: metrics.webhook,
  });
  // The same LIST, made apart from the sidecar's counted calls: what its view must have caught up with.
  const lister = createSidecarKube(createKubeTransport(options.config), watch);
  const fingerprint = (w: KubeObject) =>
    `${w.kind}/${w.metadata.namespace}/${w.metadata.name}@${w.metadata.resourceVersion}`;
  /** The interest once the watch has caught up with every workload change made so far. */
  async function refreshInterest() {
    const listed = (
      await Promise.all(
        workloadKinds.map(async (kind) =>
          (await listAllPages((page) => lister.listWorkloads(kind, page))).filter(isOptedIn),
        ),
      )
    )
      .flat()
      .map(fingerprint)
      .sort();
    await waitFor("the sidecar's workload watch to catch up", async () => {
      const seen = view.workloads().map(fingerprint).sort();
      return seen.length === listed.length && seen.every((f, i) => f === listed[i]);
    });
    return runtime.refreshInterest();
  }
  return {
    runtime,
    refreshInterest,
    stop: () => watching.abort(),
    elector,
    store,
    kube,
    app,
    register,
    kubeCalls: kubeCalls.calls,
    registryCalls,
  };
}
