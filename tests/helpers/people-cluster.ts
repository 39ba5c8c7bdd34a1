/**
 * Headwind as people meet it, on the test apiserver: the CRD, RBAC and admission of manifests/, the
 * hooks (one app per namespace, behind the hooks router) and the approval API acting as the hooks
 * ServiceAccount, and a real Metacontroller of this file's own (with leader election, as installed
 * upstream) driving both DecoratorControllers (and, with Flux, the HelmReleases one). People are
 * ServiceAccounts with tokens and kubeconfig files of their own, bound to the roles a cluster admin
 * would give them.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { stringify } from "yaml";
import { createApprovalApp } from "../../src/hooks-server/approval-api/create-approval-app.ts";
import { createApprovalGateway } from "../../src/hooks-server/approval-api/create-approval-gateway.ts";
import { createApprovalMetrics } from "../../src/hooks-server/approval-api/create-approval-metrics.ts";
import { configForToken } from "../../src/kube/config-for-token.ts";
import { createKubeTransport } from "../../src/kube/create-kube-transport.ts";
import { installAdmission } from "./admission.ts";
import {
  adminConfig,
  applyYamlFile,
  createTestNamespace,
  kubeRequest,
  randomName,
  serviceAccountToken,
  statusCode,
  waitFor,
} from "./cluster.ts";
import { type FlowHooks, flowHooks, flowSettings, offsetClock } from "./flows.ts";
import { installFlux } from "./flux-install.ts";
import { hooksServiceAccount, installHeadwind } from "./headwind-install.ts";
import { logSink } from "./hooks-app.ts";
import { type HooksRouter, startHooksRouter } from "./hooks-router.ts";
import { type Metacontroller, startMetacontroller } from "./metacontroller.ts";
import { installControllers } from "./metacontroller-controllers.ts";
import { type LoopbackServer, listenOnLoopback } from "./registry-listen.ts";

const root = new URL("../../", import.meta.url);
export const peopleNamespace = "people";

export type Grant = "approver" | "viewer" | "patch-workloads" | "read-workloads";

const clusterRoleOf: Record<Grant, string> = {
  approver: "headwind-approver",
  viewer: "headwind-viewer",
  "patch-workloads": "test-workload-patcher",
  "read-workloads": "test-workload-reader",
};

export interface Person {
  /** The user name the apiserver knows them by. */
  readonly username: string;
  readonly token: string;
  /** A kubeconfig of their own (for kubectl and the plugin), default namespace `namespace`. */
  readonly kubeconfig: string;
  readonly config: KubeConfig;
}

/** A fresh namespace with hooks of its own (their notifications recorded). */
export interface PeopleNamespace {
  readonly ns: string;
  readonly hooks: FlowHooks;
}

export interface PeopleCluster {
  readonly kc: KubeConfig;
  readonly api: LoopbackServer;
  readonly metacontroller: Metacontroller;
  /** A person with these grants in `namespace`. */
  person(name: string, namespace: string, grants: readonly Grant[]): Promise<Person>;
  namespace(): Promise<PeopleNamespace>;
  stop(): Promise<void>;
}

const metacontrollerNamespace = "metacontroller";
const leasePath = `/apis/coordination.k8s.io/v1/namespaces/${metacontrollerNamespace}/leases/metacontroller`;

const workloadResources = ["deployments", "statefulsets", "daemonsets"];

async function ensure(kc: KubeConfig, path: string, body: unknown): Promise<void> {
  try {
    await kubeRequest(kc, "POST", path, body);
  } catch (error) {
    if (statusCode(error) !== 409) throw error;
  }
}

async function installTestRoles(kc: KubeConfig): Promise<void> {
  const roles = "/apis/rbac.authorization.k8s.io/v1/clusterroles";
  const rule = (verbs: string[]) => [
    { apiGroups: ["apps"], resources: workloadResources, verbs },
    { apiGroups: ["batch"], resources: ["cronjobs"], verbs },
    { apiGroups: ["helm.toolkit.fluxcd.io"], resources: ["helmreleases"], verbs },
  ];
  await ensure(kc, roles, { metadata: { name: "test-workload-reader" }, rules: rule(["get", "list"]) });
  await ensure(kc, roles, {
    metadata: { name: "test-workload-patcher" },
    rules: rule(["get", "list", "patch"]),
  });
}

export interface PeopleClusterOptions {
  /** Flux's HelmRelease CRD, what manifests/components/flux adds, and the HelmReleases controller. */
  readonly flux?: boolean;
}

export async function startPeopleCluster(options: PeopleClusterOptions = {}): Promise<PeopleCluster> {
  const kc = adminConfig();
  await installHeadwind(kc);
  // Before Metacontroller starts: it cannot run a controller whose resource is not served.
  if (options.flux) await installFlux(kc);
  await applyYamlFile(kc, new URL("manifests/rbac-people.yaml", root));
  await installTestRoles(kc);
  await ensure(kc, "/api/v1/namespaces", { metadata: { name: peopleNamespace } });
  await ensure(kc, "/api/v1/namespaces", { metadata: { name: metacontrollerNamespace } });
  const asHooks = await hooksServiceAccount(kc);
  await installAdmission(kc, asHooks);
  const router: HooksRouter = await startHooksRouter();
  const sink = logSink();
  const api = await listenOnLoopback(
    createApprovalApp({
      gateway: createApprovalGateway(createKubeTransport(asHooks)),
      asPerson: (token) => createKubeTransport(configForToken(kc, token)),
      approvalTtlSeconds: flowSettings.approvalTtlSeconds,
      clock: Date.now,
      logger: sink.logger,
      metrics: createApprovalMetrics(new Registry()),
    }).fetch,
  );
  const instance = randomName("people");
  const { credential } = await installControllers(kc, router.url, instance, {
    optional: options.flux ? ["flux"] : [],
  });
  if (credential === undefined) throw new Error("hooks/*.yaml name no webhook.authorization Secret");
  // A Lease left by an earlier run would make this one wait out its duration before it leads.
  await kubeRequest(kc, "DELETE", leasePath).catch(() => undefined);
  const metacontroller = await startMetacontroller({
    instance,
    args: ["--leader-election", `--leader-election-namespace=${metacontrollerNamespace}`],
  });
  await waitFor("Metacontroller to lead", async () => {
    const lease = (await kubeRequest(kc, "GET", leasePath)) as { spec?: { holderIdentity?: string } };
    return Boolean(lease.spec?.holderIdentity);
  });
  const dir = await mkdtemp(join(tmpdir(), "headwind-people-"));
  return {
    kc,
    api,
    metacontroller,
    async namespace() {
      const ns = await createTestNamespace(kc, "hw-people");
      const hooks = flowHooks({
        gatewayConfig: asHooks,
        clock: offsetClock(),
        settings: flowSettings,
        hookTokens: [credential],
      });
      router.route(ns, hooks.handler);
      return { ns, hooks };
    },
    async person(name, namespace, grants) {
      const token = await serviceAccountToken(kc, peopleNamespace, name);
      const username = `system:serviceaccount:${peopleNamespace}:${name}`;
      for (const grant of grants) {
        await ensure(kc, `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
          metadata: { name: `${name}-${grant}` },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRoleOf[grant] },
          subjects: [{ kind: "ServiceAccount", name, namespace: peopleNamespace }],
        });
      }
      const config = configForToken(kc, token, name);
      const cluster = kc.getCurrentCluster();
      const kubeconfig = join(dir, `${name}-${namespace}.kubeconfig`);
      await writeFile(
        kubeconfig,
        stringify({
          apiVersion: "v1",
          kind: "Config",
          clusters: [
            {
              name: "test",
              cluster: { server: cluster?.server, "certificate-authority-data": cluster?.caData },
            },
          ],
          users: [{ name, user: { token } }],
          contexts: [{ name: "test", context: { cluster: "test", user: name, namespace } }],
          "current-context": "test",
        }),
        { mode: 0o600 },
      );
      // RBAC takes effect asynchronously: wait until the first grant answers for this person.
      if (grants.length > 0)
        await waitFor(`${name}'s RoleBindings to take effect`, async () => {
          const review = (await kubeRequest(
            config,
            "POST",
            "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
            {
              apiVersion: "authorization.k8s.io/v1",
              kind: "SelfSubjectRulesReview",
              spec: { namespace },
            },
          )) as { status?: { resourceRules?: { resources?: string[] }[] } };
          const granted = ["updaterequests", ...workloadResources];
          return review.status?.resourceRules?.some((r) => r.resources?.some((x) => granted.includes(x)));
        });
      return { username, token, kubeconfig, config };
    },
    async stop() {
      await metacontroller.stop();
      await kubeRequest(kc, "DELETE", leasePath).catch(() => undefined);
      await api.close();
      await router.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What each kind's controller would report once the rollout of the current generation is done. */
export async function reportRolloutDone(kc: KubeConfig, namespace: string, kind: string, name: string) {
  const resource = `${kind.toLowerCase()}s`;
  const path = `/apis/apps/v1/namespaces/${namespace}/${resource}/${name}`;
  const { metadata } = (await kubeRequest(kc, "GET", path)) as { metadata: { generation: number } };
  const observedGeneration = metadata.generation;
  const status =
    kind === "DaemonSet"
      ? {
          observedGeneration,
          desiredNumberScheduled: 1,
          currentNumberScheduled: 1,
          updatedNumberScheduled: 1,
          numberAvailable: 1,
          numberReady: 1,
          numberMisscheduled: 0,
        }
      : { observedGeneration, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1 };
  await kubeRequest(kc, "PATCH", `${path}/status`, { status }, "application/merge-patch+json");
}
