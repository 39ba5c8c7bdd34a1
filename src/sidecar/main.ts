/**
 * Composition root of the registry sidecar: the only place that reads the environment, opens ports
 * and starts timers. It starts (and answers /healthz) even with no Kubernetes API in reach; /readyz
 * then says why it is not ready.
 */
import { existsSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { serve } from "@hono/node-server";
import { KubeConfig } from "@kubernetes/client-node";
import { collectDefaultMetrics, Registry } from "prom-client";
import { workloadKinds } from "../core/workloads/workload-kinds.ts";
import { createKubeTransport } from "../kube/create-kube-transport.ts";
import { createKubeWatch } from "../kube/create-kube-watch.ts";
import { KubeApiError } from "../kube/kube-api-error.ts";
import { createLogger } from "../observability/create-logger.ts";
import { createMetricsApp } from "../observability/create-metrics-app.ts";
import { createHelmIndexFetcher } from "./charts/fetch-helm-index.ts";
import { createPollerMetrics } from "./poller/create-poller-metrics.ts";
import { createCloudCredentials } from "./registry/cloud/create-cloud-credentials.ts";
import { createCloudMetrics } from "./registry/cloud/create-cloud-metrics.ts";
import { createCloudTokenSources } from "./registry/cloud/create-cloud-token-sources.ts";
import { createRegistryClient } from "./registry/create-registry-client.ts";
import { createChartPoller } from "./runtime/create-chart-poller.ts";
import { createDockerConfigLoader } from "./runtime/create-docker-config-loader.ts";
import { createLeaseElector } from "./runtime/create-lease-elector.ts";
import { createSidecarApp } from "./runtime/create-sidecar-app.ts";
import { createSidecarMetrics } from "./runtime/create-sidecar-metrics.ts";
import { createSidecarRuntime } from "./runtime/create-sidecar-runtime.ts";
import { createTagStore } from "./runtime/create-tag-store.ts";
import { createWorkloadView } from "./runtime/create-workload-view.ts";
import { loadWebhookSources } from "./runtime/load-webhook-sources.ts";
import { readSidecarConfig } from "./runtime/read-sidecar-config.ts";
import { createSidecarKube, type SidecarKube } from "./runtime/sidecar-kube.ts";
import { createGoogleKeySource } from "./webhooks/auth/create-google-key-source.ts";
import { createWebhookMetrics } from "./webhooks/create-webhook-metrics.ts";

/** Every renewal is also the poll tick: what is due is planned per repository interval. */
const leaseRenewMs = 5_000;

const config = readSidecarConfig(process.env);
const logger = createLogger("headwind-sidecar", config.logLevel);
const registry = new Registry();
collectDefaultMetrics({ register: registry });
const clock = Date.now;

/**
 * With no kubeconfig and no in-cluster token, client-node falls back to http://localhost:8080 —
 * which is this very process. Every API call then fails with a reason a person can act on instead.
 */
function kubeApi(): SidecarKube {
  const unavailable = (reason: string) => {
    const fail = async () => {
      throw new KubeApiError(0, reason);
    };
    return createSidecarKube(fail, fail);
  };
  const kube = new KubeConfig();
  try {
    kube.loadFromDefault();
  } catch (error) {
    return unavailable(
      `could not load a kubeconfig: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const fallback = kube.getCurrentCluster()?.server === "http://localhost:8080" && !process.env.KUBECONFIG;
  if (fallback)
    return unavailable("no Kubernetes API configured: not in a cluster and no KUBECONFIG or ~/.kube/config");
  return createSidecarKube(createKubeTransport(kube), createKubeWatch(kube));
}

const kube = kubeApi();
const metrics = {
  sidecar: createSidecarMetrics(registry),
  poller: createPollerMetrics(registry),
  webhook: createWebhookMetrics(registry),
  cloud: createCloudMetrics(registry),
};
const identity = config.podName ?? `${hostname()}-${process.pid}`;
const client = createRegistryClient({
  fetch,
  clock,
  observer: metrics.poller.observer,
  insecureRegistries: config.insecureRegistries,
});
const cloudCredentials =
  config.cloud.enabled.size === 0
    ? undefined
    : createCloudCredentials({
        settings: config.cloud,
        sources: createCloudTokenSources(config.cloud.enabled, {
          fetch,
          env: process.env,
          insecureRegistries: config.insecureRegistries,
        }),
        clock,
        metrics: metrics.cloud,
        logger,
      });
logger.info(
  { providers: [...config.cloud.enabled], overrides: Object.fromEntries(config.cloud.overrides) },
  "cloud registry credentials",
);
const elector = createLeaseElector({
  kube,
  namespace: config.namespace,
  identity,
  clock,
  onChange: (leader) => {
    metrics.sidecar.leader.set(leader ? 1 : 0);
    logger.info(
      { identity, leader },
      leader ? "leading: polling and cleaning up" : "not leading: webhooks only",
    );
  },
});
const warn = (what: string) => (error: unknown) =>
  logger.warn({ err: error instanceof Error ? error.message : String(error) }, what);
/** Changes come in bursts (a rollout touches every replica's object): one refresh per burst. */
let refreshScheduled = false;
const view = createWorkloadView({
  kube,
  kinds: workloadKinds,
  // The LIST that follows a watch: a safety net for missed events (and the only source without one).
  resyncMs: config.interestIntervalSeconds * 1000,
  onChange: () => {
    if (refreshScheduled) return;
    refreshScheduled = true;
    setTimeout(() => {
      refreshScheduled = false;
      void refresh();
    }, 100);
  },
  onError: (kind, error) => {
    warn(`${kind.kind} list/watch failed`)(error);
    // Readiness then says why.
    if (runtime.interest() === undefined) void refresh();
  },
});
const store = createTagStore({ kube, namespace: config.namespace, metrics: metrics.sidecar, logger, clock });
const runtime = createSidecarRuntime({
  kube,
  workloads: view.workloads,
  client,
  store,
  elector,
  loadDockerConfigs: createDockerConfigLoader({ kube, logger, clock }),
  namespace: config.namespace,
  defaultPollingIntervalSeconds: config.pollIntervalSeconds,
  registryCredentials: config.registryCredentials,
  ...(cloudCredentials === undefined ? {} : { cloudCredentials }),
  metrics,
  clock,
  logger,
  charts: createChartPoller({
    fetchIndex: createHelmIndexFetcher({ fetch }),
    client,
    store,
    kube,
    clock,
    logger,
  }),
});

const webhookConfig = loadWebhookSources(config.webhookConfigPath, {
  env: process.env,
  readFile: (path) => readFileSync(path, "utf8"),
  exists: existsSync,
});
if (webhookConfig.ok) logger.info(webhookConfig.note);
else
  logger.error(
    { problems: webhookConfig.problems },
    "webhook config is invalid: not ready until it is fixed",
  );
const sources = webhookConfig.ok ? webhookConfig.sources : [];
const app = createSidecarApp({
  sources,
  onEvents: runtime.onEvents,
  readiness: () => [...runtime.notReadyReasons(), ...(webhookConfig.ok ? [] : webhookConfig.problems)],
  clock,
  logger,
  metrics: metrics.webhook,
  ...(sources.some((source) => source.auth.type === "google-oidc")
    ? { googleKeys: createGoogleKeySource({ fetch, clock }) }
    : {}),
});

const server = serve({ fetch: app.fetch, port: config.port }, (info) =>
  logger.info({ port: info.port, identity }, "registry sidecar listening"),
);
const metricsServer =
  config.metricsPort === 0
    ? undefined
    : serve({ fetch: createMetricsApp(registry).fetch, port: config.metricsPort }, (info) =>
        logger.info({ port: info.port }, "metrics listening"),
      );

const refresh = () => runtime.refreshInterest().then(() => undefined, warn("interest refresh failed"));
const poll = () => runtime.pollOnce().then(() => undefined, warn("poll cycle failed"));
const lease = () =>
  elector.tryAcquireOrRenew().then((leader) => (leader ? poll() : undefined), warn("lease renewal failed"));

const watching = new AbortController();
void view.run(watching.signal);
void lease();
const timers = [
  setInterval(refresh, config.interestIntervalSeconds * 1000),
  setInterval(lease, leaseRenewMs),
];

function stop(signal: string) {
  logger.info({ signal }, "shutting down");
  for (const timer of timers) clearInterval(timer);
  watching.abort();
  // Give the Lease up so another replica takes over at once instead of after it expires.
  const released = Promise.race([
    elector.release().catch(warn("could not release the lease")),
    new Promise((resolve) => setTimeout(resolve, 3_000)),
  ]);
  void released.finally(() => {
    server.close();
    metricsServer?.close();
    process.exit(0);
  });
}
process.once("SIGTERM", () => stop("SIGTERM"));
process.once("SIGINT", () => stop("SIGINT"));
