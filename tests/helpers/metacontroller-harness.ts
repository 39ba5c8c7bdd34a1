/**
 * What a cluster-tier flow needs around the Metacontroller driver: the CRDs and DecoratorControllers
 * applied, the hooks app served on loopback with a controllable clock, the real executor acting as
 * the hooks ServiceAccount (manifests/rbac-hooks.yaml), a recording notifier, and small builders
 * and actions (a person's kubectl approval, the deployment controller's status report).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CoreV1Api, type KubeConfig, type KubernetesObject } from "@kubernetes/client-node";
import { trace } from "@opentelemetry/api";
import { Registry } from "prom-client";
import { afterEach, beforeAll } from "vitest";
import { parseImageRef, repositoryKey } from "../../src/core/images/image-ref.ts";
import { buildTagConfigMap } from "../../src/core/tags/tag-configmap.ts";
import type { HookSettings } from "../../src/hooks-server/config/hook-settings.ts";
import { createExecutor } from "../../src/hooks-server/effects/create-executor.ts";
import { createKubeGateway } from "../../src/hooks-server/effects/kube-gateway.ts";
import { createHookMetrics } from "../../src/hooks-server/http/create-hook-metrics.ts";
import { createHooksApp } from "../../src/hooks-server/http/create-hooks-app.ts";
import type { Notifier } from "../../src/hooks-server/notify/create-notifier.ts";
import type { Notification } from "../../src/hooks-server/notify/notification.ts";
import {
  adminConfig,
  applyObjects,
  applyYamlFile,
  createTestNamespace,
  installCrds,
  kubeRequest,
  serviceAccountConfig,
  statusCode,
  waitFor,
} from "./cluster.ts";
import { logSink } from "./hooks-app.ts";
import type { DecoratorController } from "./metacontroller-controllers.ts";
import { loadRepositoryControllers } from "./metacontroller-controllers.ts";
import {
  createMetacontrollerDriver,
  type DriverOptions,
  type MetacontrollerDriver,
  type PassReport,
} from "./metacontroller-driver.ts";
import { listenOnLoopback } from "./registry-listen.ts";

const root = new URL("../../", import.meta.url);
export const headwindNamespace = "headwind";

export interface Clock {
  now(): Date;
  ms(): number;
  advance(seconds: number): void;
}

/** Starts at the real time (whole seconds), so object timestamps and the hooks' "now" agree. */
export function controllableClock(start = Math.floor(Date.now() / 1000) * 1000): Clock {
  let t = start;
  return {
    now: () => new Date(t),
    ms: () => t,
    advance: (seconds) => {
      t += seconds * 1000;
    },
  };
}

/** UR CRD, Metacontroller CRDs, the headwind namespace, the hooks RBAC, and the DecoratorControllers as stored. */
export async function installHeadwind(kc: KubeConfig): Promise<DecoratorController[]> {
  await installCrds(kc, new URL("manifests/crds/updaterequests.headwind.sh.yaml", root));
  await installCrds(kc, new URL("tests/fixtures/crds/metacontroller-crds-v1.yaml", root));
  // Established is not yet listable ("storage is (re)initializing"); Metacontroller would wait for its informer.
  await waitFor("UpdateRequests to be listable", () =>
    kubeRequest(kc, "GET", "/apis/headwind.sh/v1alpha1/updaterequests").then(() => true),
  );
  try {
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: headwindNamespace } } });
  } catch (error) {
    if (statusCode(error) !== 409) throw error;
  }
  await applyYamlFile(kc, new URL("manifests/rbac-hooks.yaml", root));
  // Applied so the apiserver validates them against Metacontroller's schema; the driver uses what it stored.
  const stored = await applyObjects(kc, (await loadRepositoryControllers()) as unknown as KubernetesObject[]);
  return stored as unknown as DecoratorController[];
}

/** A client acting as the hooks ServiceAccount, once its ClusterRoleBinding has taken effect. */
export async function hooksServiceAccount(kc: KubeConfig): Promise<KubeConfig> {
  const asHooks = await serviceAccountConfig(kc, headwindNamespace, "headwind-hooks");
  await waitFor("the hooks ClusterRoleBinding to take effect", async () => {
    try {
      await kubeRequest(asHooks, "GET", `/apis/apps/v1/namespaces/${headwindNamespace}/deployments/probe`);
    } catch (error) {
      return statusCode(error) === 404;
    }
    return true;
  });
  return asHooks;
}

export interface HooksServer {
  readonly url: string;
  readonly notifications: Notification[];
  readonly logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startHooksServer(options: {
  gatewayConfig: KubeConfig;
  clock: Clock;
  settings: HookSettings;
}): Promise<HooksServer> {
  const notifications: Notification[] = [];
  const notify: Notifier = async (notification) => {
    notifications.push(notification);
    return [];
  };
  const { logger, lines } = logSink();
  const execute = createExecutor({
    gateway: createKubeGateway(options.gatewayConfig),
    notify,
    clock: options.clock.now,
    instance: "cluster-test",
  });
  const app = createHooksApp({
    logger,
    metrics: createHookMetrics(new Registry()),
    execute,
    clock: options.clock.now,
    settings: options.settings,
    tracer: trace.getTracer("cluster-test"),
  });
  const server = await listenOnLoopback(app.fetch);
  return { url: server.origin, notifications, logs: lines, close: () => server.close() };
}

export const flowSettings: HookSettings = {
  namespace: headwindNamespace,
  approvalTtlSeconds: 3600,
  historyLimit: 10,
};

export interface Flow {
  readonly ns: string;
  readonly clock: Clock;
  readonly hooks: HooksServer;
  readonly driver: MetacontrollerDriver;
  /** An image in a repository only this flow uses: `registry.test:5000/<ns>/app:<tag>`. */
  image(tag: string): string;
  close(): Promise<void>;
}

/** A fresh namespace, clock, hooks server and driver (syncing parents of that namespace only). */
export async function startFlow(
  kc: KubeConfig,
  controllers: readonly DecoratorController[],
  gatewayConfig: KubeConfig,
  extra: Partial<DriverOptions> = {},
): Promise<Flow> {
  const ns = await createTestNamespace(kc, "hw-flow");
  const clock = controllableClock();
  const hooks = await startHooksServer({ gatewayConfig, clock, settings: flowSettings });
  const driver = flowDriver(kc, controllers, hooks, clock, [ns], extra);
  return {
    ns,
    clock,
    hooks,
    driver,
    image: (tag) => `registry.test:5000/${ns}/app:${tag}`,
    close: hooks.close,
  };
}

export function flowDriver(
  kc: KubeConfig,
  controllers: readonly DecoratorController[],
  hooks: HooksServer,
  clock: Clock,
  namespaces: readonly string[],
  extra: Partial<DriverOptions> = {},
): MetacontrollerDriver {
  return createMetacontrollerDriver({
    kubeConfig: kc,
    controllers,
    hookBaseUrl: hooks.url,
    trigger: "changes",
    now: clock.ms,
    namespaces,
    ...extra,
  });
}

export interface WorkloadOptions {
  readonly kind?: "Deployment" | "StatefulSet" | "DaemonSet" | "CronJob";
  readonly annotations?: Record<string, string>;
  readonly initImage?: string;
  readonly replicas?: number;
}

function podTemplate(name: string, image: string, initImage: string | undefined) {
  return {
    metadata: { labels: { app: name } },
    spec: {
      ...(initImage ? { initContainers: [{ name: "init", image: initImage }] } : {}),
      containers: [{ name: "app", image }],
    },
  };
}

/** A minimal valid workload of any managed kind, with container `app` (and init container `init`). */
export function workload(name: string, image: string, options: WorkloadOptions = {}): KubernetesObject {
  const kind = options.kind ?? "Deployment";
  const metadata = { name, annotations: options.annotations ?? {} };
  const template = podTemplate(name, image, options.initImage);
  const selector = { matchLabels: { app: name } };
  switch (kind) {
    case "CronJob":
      return {
        apiVersion: "batch/v1",
        kind,
        metadata,
        spec: {
          schedule: "0 3 * * *",
          jobTemplate: {
            spec: { template: { ...template, spec: { ...template.spec, restartPolicy: "Never" } } },
          },
        },
      } as KubernetesObject;
    case "StatefulSet":
      return {
        apiVersion: "apps/v1",
        kind,
        metadata,
        spec: { replicas: options.replicas ?? 1, serviceName: name, selector, template },
      } as KubernetesObject;
    case "DaemonSet":
      return { apiVersion: "apps/v1", kind, metadata, spec: { selector, template } } as KubernetesObject;
    default:
      return {
        apiVersion: "apps/v1",
        kind,
        metadata,
        spec: { replicas: options.replicas ?? 1, selector, template },
      } as KubernetesObject;
  }
}

/** The tag ConfigMap the sidecar would write for the image's repository, applied in `headwind`. */
export async function publishTags(kc: KubeConfig, image: string, tags: readonly string[]): Promise<string> {
  const ref = parseImageRef(image);
  if (ref === undefined) throw new Error(`not an image reference: ${image}`);
  const configMap = buildTagConfigMap(
    { repository: repositoryKey(ref), tags, digests: {} },
    headwindNamespace,
  );
  await applyObjects(kc, [configMap as unknown as KubernetesObject]);
  return configMap.metadata.name;
}

export async function deleteTags(kc: KubeConfig, name: string): Promise<void> {
  await kubeRequest(kc, "DELETE", `/api/v1/namespaces/${headwindNamespace}/configmaps/${name}`);
}

const execFileAsync = promisify(execFile);

/** Exactly what a person types: kubectl patch … --subresource=status --type=merge -p '{"status":…}'. */
export async function kubectlPatchStatus(
  namespace: string,
  name: string,
  status: Record<string, unknown>,
): Promise<void> {
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error("KUBECONFIG is not set");
  await execFileAsync("/usr/bin/kubectl", [
    "--kubeconfig",
    kubeconfig,
    "patch",
    "updaterequest",
    name,
    "-n",
    namespace,
    "--subresource=status",
    "--type=merge",
    "-p",
    JSON.stringify({ status }),
  ]);
}

/** The same status merge patch over HTTP (what the approval API or a script does). */
export async function httpPatchStatus(
  kc: KubeConfig,
  namespace: string,
  name: string,
  status: Record<string, unknown>,
): Promise<void> {
  await kubeRequest(
    kc,
    "PATCH",
    `/apis/headwind.sh/v1alpha1/namespaces/${namespace}/updaterequests/${name}/status`,
    { status },
    "application/merge-patch+json",
  );
}

export interface UpdateRequestObject {
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
    annotations?: Record<string, string>;
  };
  spec: Record<string, unknown> & { newImage: string; currentImage: string; supersededBy?: string };
  status?: Record<string, unknown> & { phase?: string; message?: string };
}

export async function listUpdateRequests(kc: KubeConfig, namespace: string): Promise<UpdateRequestObject[]> {
  const list = (await kubeRequest(
    kc,
    "GET",
    `/apis/headwind.sh/v1alpha1/namespaces/${namespace}/updaterequests`,
  )) as {
    items: UpdateRequestObject[];
  };
  return list.items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

export async function readWorkload(kc: KubeConfig, namespace: string, name: string, kind = "Deployment") {
  const path =
    kind === "CronJob"
      ? `/apis/batch/v1/namespaces/${namespace}/cronjobs/${name}`
      : `/apis/apps/v1/namespaces/${namespace}/${kind.toLowerCase()}s/${name}`;
  return (await kubeRequest(kc, "GET", path)) as {
    metadata: { uid: string; generation: number; annotations?: Record<string, string> };
    spec: { template: { spec: { containers: { name: string; image: string }[] } } };
  };
}

export async function imageOf(kc: KubeConfig, namespace: string, name: string): Promise<string | undefined> {
  return (await readWorkload(kc, namespace, name)).spec.template.spec.containers[0]?.image;
}

/** What the deployment controller would report once the rollout of the current generation is done. */
export async function reportRolloutDone(kc: KubeConfig, namespace: string, name: string, replicas = 1) {
  const { metadata } = await readWorkload(kc, namespace, name);
  await patchDeploymentStatus(kc, namespace, name, {
    observedGeneration: metadata.generation,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    conditions: [{ type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" }],
  });
}

export async function patchDeploymentStatus(
  kc: KubeConfig,
  namespace: string,
  name: string,
  status: Record<string, unknown>,
): Promise<void> {
  await kubeRequest(
    kc,
    "PATCH",
    `/apis/apps/v1/namespaces/${namespace}/deployments/${name}/status`,
    { status },
    "application/merge-patch+json",
  );
}

/** Someone else's edit of the container image (kubectl set image). */
export async function setImage(
  kc: KubeConfig,
  namespace: string,
  name: string,
  image: string,
): Promise<void> {
  await kubeRequest(
    kc,
    "PATCH",
    `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`,
    { spec: { template: { spec: { containers: [{ name: "app", image }] } } } },
    "application/strategic-merge-patch+json",
  );
}

export interface EventObject {
  reason: string;
  type: string;
  note?: string;
  reportingController?: string;
  regarding: { kind: string; name: string; uid?: string };
}

/** Headwind's Events (events.k8s.io/v1) in the namespace, oldest first. */
export async function headwindEvents(kc: KubeConfig, namespace: string): Promise<EventObject[]> {
  const list = (await kubeRequest(kc, "GET", `/apis/events.k8s.io/v1/namespaces/${namespace}/events`)) as {
    items: (EventObject & { eventTime?: string; metadata: { creationTimestamp: string; name: string } })[];
  };
  return list.items
    .filter((e) => e.reportingController === "headwind.sh/hooks")
    .sort(
      (a, b) =>
        (a.eventTime ?? "").localeCompare(b.eventTime ?? "") ||
        a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp) ||
        a.metadata.name.localeCompare(b.metadata.name),
    );
}

/** The phases the driver wrote for one UpdateRequest, in order, across the given passes. */
export function phasesWritten(reports: readonly PassReport[], name: string): string[] {
  const phases: string[] = [];
  for (const report of reports) {
    for (const record of report.synced) {
      const phase = record.statusWritten?.phase;
      if (record.parent.endsWith(`/${name}`) && typeof phase === "string" && phases.at(-1) !== phase)
        phases.push(phase);
    }
  }
  return phases;
}

/** Every pass error, as text, so a test can assert there were none. */
export function passErrors(reports: readonly PassReport[]): string[] {
  return reports.flatMap((r) => r.errors.map((e) => `${e.controller} ${e.parent}: ${e.error}`));
}

export interface Flows {
  /** The admin client, once beforeAll has run. */
  readonly kc: KubeConfig;
  /** A fresh flow for this test, closed after it. */
  start(): Promise<Flow>;
}

/** For a flow test file: installs Headwind once, and gives each test its own flow. */
export function useFlows(): Flows {
  let kc: KubeConfig | undefined;
  let asHooks: KubeConfig | undefined;
  let controllers: DecoratorController[] = [];
  let current: Flow | undefined;
  beforeAll(async () => {
    kc = adminConfig();
    controllers = await installHeadwind(kc);
    asHooks = await hooksServiceAccount(kc);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const admin = (): KubeConfig => {
    if (kc === undefined) throw new Error("useFlows: the admin client exists only inside tests");
    return kc;
  };
  return {
    get kc() {
      return admin();
    },
    async start() {
      current = await startFlow(admin(), controllers, asHooks ?? admin());
      return current;
    },
  };
}
