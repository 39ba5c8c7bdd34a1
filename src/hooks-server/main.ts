/** Composition root of the hooks server: the only place that reads the environment and opens ports. */
import { setTimeout as sleep } from "node:timers/promises";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { KubeConfig } from "@kubernetes/client-node";
import { collectDefaultMetrics, Registry } from "prom-client";
import { configForToken } from "../kube/config-for-token.ts";
import { createKubeTransport } from "../kube/create-kube-transport.ts";
import { createKubeWatch } from "../kube/create-kube-watch.ts";
import { createLogger } from "../observability/create-logger.ts";
import { createMetricsApp } from "../observability/create-metrics-app.ts";
import { startTracing } from "../observability/start-tracing.ts";
import { createApprovalApp } from "./approval-api/create-approval-app.ts";
import { createApprovalGateway } from "./approval-api/create-approval-gateway.ts";
import { createApprovalMetrics } from "./approval-api/create-approval-metrics.ts";
import { createUpdateRequestGauges } from "./approval-api/create-update-request-gauges.ts";
import { readHooksConfig } from "./config/read-hooks-config.ts";
import { createDashboardApp } from "./dashboard/create-dashboard-app.tsx";
import { createExecutor } from "./effects/create-executor.ts";
import { createKubeGateway } from "./effects/kube-gateway.ts";
import { createHookMetrics } from "./http/create-hook-metrics.ts";
import { createHooksApp } from "./http/create-hooks-app.ts";
import { createNotifier } from "./notify/create-notifier.ts";
import { createTagCache } from "./workloads/create-tag-cache.ts";

const config = readHooksConfig(process.env);
const logger = createLogger("headwind-hooks", config.logLevel);
const registry = new Registry();
collectDefaultMetrics({ register: registry });
const kube = new KubeConfig();
kube.loadFromDefault();
const clock = Date.now;
const tracing = startTracing("headwind-hooks", config.otlpEndpoint);
const notify = createNotifier({
  config: config.notify,
  fetch,
  clock,
  sleep: (ms, signal) => sleep(ms, undefined, { signal }),
});
// Each call is also bounded by the effect budget's signal; this is the ceiling for any single one.
const gateway = createKubeGateway(createKubeTransport(kube, 10_000));
if (config.hookAuth.mode === "disabled")
  logger.warn("HEADWIND_HOOK_AUTH=disabled: hook calls are accepted without a credential");
const execute = createExecutor({
  gateway,
  notify,
  clock,
  instance: config.instance,
});
const app = createHooksApp({
  logger,
  metrics: createHookMetrics(registry),
  hookAuth: config.hookAuth,
  execute,
  gateway,
  clock,
  settings: config.settings,
  tracer: tracing.tracer,
  readTags: createTagCache(),
  maxBodyBytes: config.maxBodyBytes,
});

const approvals = createApprovalGateway(createKubeTransport(kube));
createUpdateRequestGauges({
  registry,
  list: () => approvals.listUpdateRequests(undefined),
  clock,
  logger: logger.child({ component: "metrics" }),
});

const hooks = serve({ fetch: app.fetch, port: config.port }, (info) =>
  logger.info({ port: info.port }, "hooks server listening"),
);
const metrics =
  config.metricsPort === 0
    ? undefined
    : serve({ fetch: createMetricsApp(registry).fetch, port: config.metricsPort }, (info) =>
        logger.info({ port: info.port }, "metrics listening"),
      );
const api =
  config.apiPort === 0
    ? undefined
    : serve(
        {
          fetch: createApprovalApp({
            gateway: approvals,
            asPerson: (token) => createKubeTransport(configForToken(kube, token)),
            approvalTtlSeconds: config.settings.approvalTtlSeconds,
            clock,
            logger: logger.child({ component: "approval-api" }),
            metrics: createApprovalMetrics(registry),
          }).fetch,
          port: config.apiPort,
        },
        (info) => logger.info({ port: info.port }, "approval API listening"),
      );

const dashboard =
  config.dashboardPort === 0
    ? undefined
    : serve(
        {
          fetch: createDashboardApp({
            gateway: approvals,
            asPerson: (token) => createKubeTransport(configForToken(kube, token)),
            watchAsPerson: (token) => createKubeWatch(configForToken(kube, token)),
            auth: config.dashboard,
            remoteAddress: (c) => getConnInfo(c).remote.address,
            clock,
            logger: logger.child({ component: "dashboard" }),
            approvalTtlSeconds: config.settings.approvalTtlSeconds,
          }).fetch,
          port: config.dashboardPort,
        },
        (info) => logger.info({ port: info.port }, "dashboard listening"),
      );

function stop(signal: string) {
  logger.info({ signal }, "shutting down");
  hooks.close();
  metrics?.close();
  api?.close();
  dashboard?.close();
  void tracing.shutdown().finally(() => process.exit(0));
}
process.once("SIGTERM", () => stop("SIGTERM"));
process.once("SIGINT", () => stop("SIGINT"));
