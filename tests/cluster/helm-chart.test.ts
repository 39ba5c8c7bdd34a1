// The Helm chart (charts/headwind), proven with the real helm (built from the Go module proxy) and
// the real apiserver: it lints; its renders, default and with every option on, pass a server-side
// dry run; its default render is the same set of objects as `kubectl kustomize manifests/` (less
// the Namespace, which Helm needs before it installs); the examples in examples/ render and apply.
// When this test fails after a change to manifests/ or hooks/, make the same change in
// charts/headwind/templates: each differing object gets its own diff below.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type {
  KubeConfig,
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V1NetworkPolicy,
  V1PodDisruptionBudget,
  V1RoleBinding,
  V1Service,
  V1ServiceAccount,
} from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { readWebhookConfig } from "../../src/sidecar/webhooks/read-webhook-config.ts";
import {
  adminConfig,
  createTestNamespace,
  installCrds,
  kubeRequest,
  statusCode,
} from "../helpers/cluster.ts";
import { goTool, kubectlBin, type Run, runCommand, runOk } from "../helpers/run-command.ts";

const chart = fileURLToPath(new URL("../../charts/headwind", import.meta.url));
const manifests = fileURLToPath(new URL("../../manifests", import.meta.url));
const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

/** What Helm adds for its own bookkeeping; everything else must match manifests/ exactly. */
const helmLabels = ["app.kubernetes.io/managed-by", "app.kubernetes.io/instance", "helm.sh/chart"];
const helmAnnotations = ["helm.sh/resource-policy"];

let kc: KubeConfig;
let helm: string;
let scratch: string;
let namespace: string;

function parseObjects(text: string): KubernetesObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null);
}

const key = (o: KubernetesObject) =>
  `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? "(cluster)"}/${o.metadata?.name}`;

function withoutKeys(map: Record<string, string> | undefined, drop: readonly string[]) {
  if (!map) return undefined;
  const kept = Object.entries(map).filter(([k]) => !drop.includes(k));
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** The object as manifests/ would write it: Helm's own labels and annotations removed. */
function withoutHelmMetadata(o: KubernetesObject): KubernetesObject {
  const { labels, annotations, ...metadata } = o.metadata ?? {};
  const keptLabels = withoutKeys(labels, helmLabels);
  const keptAnnotations = withoutKeys(annotations, helmAnnotations);
  return {
    ...o,
    metadata: {
      ...metadata,
      ...(keptLabels && { labels: keptLabels }),
      ...(keptAnnotations && { annotations: keptAnnotations }),
    },
  };
}

async function render(values: unknown, releaseNamespace: string): Promise<Run> {
  const file = join(scratch, `values-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, stringify(values));
  return runCommand(helm, ["template", "headwind", chart, "--namespace", releaseNamespace, "-f", file]);
}

async function renderOk(values: unknown, releaseNamespace: string): Promise<KubernetesObject[]> {
  const run = await render(values, releaseNamespace);
  if (run.code !== 0) throw new Error(`helm template failed: ${run.stderr}`);
  return parseObjects(run.stdout);
}

/** Server-side dry run of the objects; returns kubectl's "… serverside-applied (server dry run)" lines. */
async function dryRun(objects: readonly KubernetesObject[]): Promise<string[]> {
  const run = await runOk(
    kubectlBin,
    [
      "apply",
      "--server-side",
      "--dry-run=server",
      "--field-manager=headwind-chart-test",
      // Other test files install the same cluster-scoped objects from manifests/ under another manager.
      "--force-conflicts",
      "-f",
      "-",
    ],
    { input: objects.map((o) => stringify(o)).join("---\n") },
  );
  expect(run.stderr).toBe("");
  return run.stdout.trim().split("\n");
}

/** One object of the render, typed as the caller reads it (the assertions check its shape). */
function find<T extends KubernetesObject>(
  objects: readonly KubernetesObject[],
  kind: string,
  name: string,
): T {
  const found = objects.find((o) => o.kind === kind && o.metadata?.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in the render`);
  return found as T;
}

beforeAll(async () => {
  kc = adminConfig();
  helm = await goTool("helm");
  scratch = await mkdtemp(join(tmpdir(), "headwind-chart-"));
  namespace = await createTestNamespace(kc, "hw-chart");
  // Metacontroller is a prerequisite of the install (its DecoratorController type).
  await installCrds(kc, new URL("../fixtures/crds/metacontroller-crds-v1.yaml", import.meta.url));
  // Building helm on a fresh machine takes minutes (scripts/test.sh builds it before the run).
}, 900_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("charts/headwind", () => {
  it("passes helm lint --strict", async () => {
    const run = await runOk(helm, ["lint", "--strict", chart]);
    expect(run.stdout).toContain("1 chart(s) linted, 0 chart(s) failed");
  });

  it("renders by default the same objects as kubectl kustomize manifests/, less the Namespace", async () => {
    const kustomized = parseObjects((await runOk(kubectlBin, ["kustomize", manifests])).stdout);
    const rendered = (await renderOk({}, "headwind")).map(withoutHelmMetadata);
    const fromKustomize = new Map(kustomized.map((o) => [key(o), o]));
    const fromChart = new Map(rendered.map((o) => [key(o), o]));

    // Helm keeps its release record in the release namespace, so the chart cannot create it.
    expect(
      [...fromKustomize.keys()].filter((k) => !fromChart.has(k)),
      "only in manifests/",
    ).toEqual(["v1 Namespace (cluster)/headwind"]);
    expect(
      [...fromChart.keys()].filter((k) => !fromKustomize.has(k)),
      "only in the chart",
    ).toEqual([]);
    expect(fromChart.size, "the render names every object once").toBe(rendered.length);
    for (const [k, chartObject] of fromChart) {
      // Expected: manifests/ (kustomize); received: the chart's default render.
      expect
        .soft(
          chartObject,
          `${k}: make charts/headwind/templates render what manifests/ has (- manifests/, + chart)`,
        )
        .toEqual(fromKustomize.get(k));
    }
  });

  it("applies by default with a server-side dry run, every object accepted", async () => {
    const objects = await renderOk({}, namespace);
    const lines = await dryRun(objects);
    expect(lines).toHaveLength(objects.length);
    for (const line of lines) expect(line).toMatch(/ serverside-applied \(server dry run\)$/);
  });

  it("renders every option and the apiserver accepts the result", async () => {
    const other = await createTestNamespace(kc, "hw-chart-pull");
    const digest = `sha256:${"ab".repeat(32)}`;
    const secretPath = { type: "none-secret-path" };
    const objects = await renderOk(
      {
        image: { repository: "registry.example/headwind", digest, pullPolicy: "Always" },
        imagePullSecrets: ["regcred"],
        pullSecretNamespaces: [other],
        hooks: { replicas: 3, env: { LOG_LEVEL: "debug" }, podDisruptionBudget: { minAvailable: 2 } },
        sidecar: {
          replicas: 1,
          env: { HEADWIND_POLL_INTERVAL_SECONDS: 60 },
          serviceAccountAnnotations: {
            "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/headwind",
          },
          podLabels: { "azure.workload.identity/use": "true" },
          egressPorts: [443, 8443],
        },
        notifications: { secretName: "my-notify", env: { SLACK_USERNAME: "Headwind" } },
        webhooks: {
          config: { sources: [{ name: "hub", vendor: "dockerhub", pathEnv: "HUB_PATH", auth: secretPath }] },
          secretName: "my-webhooks",
          servicePort: 8080,
        },
        metacontroller: { namespace: "mc-system" },
        dashboard: { enabled: true },
        flux: { enabled: true },
      },
      namespace,
    );
    expect(await dryRun(objects)).toHaveLength(objects.length);
    expect(objects.map(key)).toEqual(
      expect.arrayContaining([
        "metacontroller.k8s.io/v1alpha1 DecoratorController (cluster)/headwind-helmreleases",
        "rbac.authorization.k8s.io/v1 ClusterRole (cluster)/headwind-hooks-flux",
        "rbac.authorization.k8s.io/v1 ClusterRole (cluster)/headwind-sidecar-flux",
      ]),
    );

    const hooks = find<V1Deployment>(objects, "Deployment", "headwind-hooks");
    const hooksPod = hooks.spec?.template.spec;
    const hooksContainer = hooksPod?.containers[0];
    expect(hooks.spec?.replicas).toBe(3);
    expect(hooksPod?.imagePullSecrets).toEqual([{ name: "regcred" }]);
    expect(hooksContainer?.image).toBe(`registry.example/headwind@${digest}`);
    expect(hooksContainer?.imagePullPolicy).toBe("Always");
    expect(hooksContainer?.env).toContainEqual({ name: "LOG_LEVEL", value: "debug" });
    expect(hooksContainer?.env).toContainEqual({ name: "SLACK_USERNAME", value: "Headwind" });
    expect(hooksContainer?.envFrom).toEqual([{ secretRef: { name: "my-notify", optional: true } }]);
    expect(hooksContainer?.ports).toContainEqual({ name: "dashboard", containerPort: 8082 });

    const sidecar = find<V1Deployment>(objects, "Deployment", "headwind-sidecar");
    const sidecarContainer = sidecar.spec?.template.spec?.containers[0];
    expect(sidecarContainer?.env).toContainEqual({ name: "HEADWIND_POLL_INTERVAL_SECONDS", value: "60" });
    expect(sidecarContainer?.envFrom).toEqual([{ secretRef: { name: "my-webhooks", optional: true } }]);
    expect(sidecar.spec?.template.metadata?.annotations?.["checksum/webhooks"]).toMatch(/^[a-f0-9]{64}$/);
    expect(sidecar.spec?.template.metadata?.labels?.["azure.workload.identity/use"]).toBe("true");
    expect(
      find<V1ServiceAccount>(objects, "ServiceAccount", "headwind-sidecar").metadata?.annotations,
    ).toEqual({ "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/headwind" });

    const config = find<V1ConfigMap>(objects, "ConfigMap", "headwind-webhooks").data?.["webhooks.yaml"] ?? "";
    const read = readWebhookConfig(config, { env: { HUB_PATH: "p".repeat(40) }, readFile: () => "" });
    expect(read.sources.map((s) => s.name)).toEqual(["hub"]);

    const pullBinding = find<V1RoleBinding>(objects, "RoleBinding", "headwind-sidecar-pull-secrets");
    expect(pullBinding.metadata?.namespace).toBe(other);
    expect(pullBinding.subjects).toEqual([{ kind: "ServiceAccount", name: "headwind-sidecar", namespace }]);
    expect(
      find<V1PodDisruptionBudget>(objects, "PodDisruptionBudget", "headwind-hooks").spec?.minAvailable,
    ).toBe(2);
    expect(find<V1Service>(objects, "Service", "headwind-webhooks").spec?.ports?.[0]?.port).toBe(8080);
    expect(find<V1Service>(objects, "Service", "headwind-dashboard").spec?.ports).toEqual([
      { name: "dashboard", port: 8082, targetPort: "dashboard" },
    ]);
    const hooksPolicy = find<V1NetworkPolicy>(objects, "NetworkPolicy", "headwind-hooks").spec;
    // Read as rendered YAML (`from`), not the client model (`_from`).
    expect(hooksPolicy?.ingress?.[0]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "mc-system" } } }],
      ports: [{ port: 8000, protocol: "TCP" }],
    });
    expect(hooksPolicy?.ingress).toContainEqual({
      from: [{ namespaceSelector: {} }],
      ports: [{ port: 8082, protocol: "TCP" }],
    });
    expect(
      find<V1NetworkPolicy>(objects, "NetworkPolicy", "headwind-sidecar").spec?.egress?.[1]?.ports,
    ).toEqual([
      { port: 443, protocol: "TCP" },
      { port: 8443, protocol: "TCP" },
    ]);
  });

  it("rejects a misspelt or ill-typed value instead of ignoring it", async () => {
    const typo = await render({ hooks: { replica: 3 } }, namespace);
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toContain("additional properties 'replica' not allowed");
    const badDigest = await render({ image: { digest: "latest" } }, namespace);
    expect(badDigest.code).not.toBe(0);
    expect(badDigest.stderr).toContain("/image/digest");
  });
});

/** The fields of the examples' third-party objects that the tests read. */
interface HelmRelease extends KubernetesObject {
  spec: { chart: { spec: { chart: string } }; values: Record<string, unknown> };
}
interface Application extends KubernetesObject {
  spec: {
    source: { path: string; helm: { valuesObject: Record<string, unknown> } };
    destination: { namespace: string };
    syncPolicy: { syncOptions: string[]; managedNamespaceMetadata: unknown };
  };
}

describe("examples/", () => {
  /** Webhook secrets the examples' sources name, as the sidecar would find them in its Secret. */
  const secrets = { GITHUB_WEBHOOK_SECRET: "s".repeat(32), HARBOR_WEBHOOK_TOKEN: "t".repeat(32) };

  async function checkValues(values: Record<string, unknown>): Promise<void> {
    // The namespaces an example names must exist for its RoleBindings to apply.
    for (const name of (values.pullSecretNamespaces ?? []) as string[]) {
      await kubeRequest(kc, "POST", "/api/v1/namespaces", { metadata: { name } }).catch((error: unknown) => {
        if (statusCode(error) !== 409) throw error;
      });
    }
    const objects = await renderOk(values, namespace);
    expect(await dryRun(objects)).toHaveLength(objects.length);
    const config = find<V1ConfigMap>(objects, "ConfigMap", "headwind-webhooks").data?.["webhooks.yaml"] ?? "";
    expect(readWebhookConfig(config, { env: secrets, readFile: () => "" }).sources.length).toBeGreaterThan(0);
  }

  it("flux-helmrelease.yaml: the HelmRelease is valid Flux v2 and its values render and apply", async () => {
    await installCrds(
      kc,
      new URL("../fixtures/crds/helm.toolkit.fluxcd.io_helmreleases.yaml", import.meta.url),
    );
    const objects = parseObjects(await readFile(example("flux-helmrelease.yaml"), "utf8"));
    expect(objects.map((o) => o.kind)).toEqual(["Namespace", "GitRepository", "HelmRelease"]);
    const release = find<HelmRelease>(objects, "HelmRelease", "headwind");
    expect(release.spec.chart.spec.chart).toBe("./charts/headwind");
    // Flux's GitRepository type is not installed here; the HelmRelease is checked by the real CRD.
    const inTestNamespace = { ...release, metadata: { ...release.metadata, namespace } };
    expect(await dryRun([inTestNamespace])).toEqual([
      `helmrelease.helm.toolkit.fluxcd.io/headwind serverside-applied (server dry run)`,
    ]);
    await checkValues(release.spec.values);
  });

  it("argocd-application.yaml: points at the chart and its values render and apply", async () => {
    const objects = parseObjects(await readFile(example("argocd-application.yaml"), "utf8"));
    expect(objects.map((o) => o.kind)).toEqual(["Application"]);
    const app = find<Application>(objects, "Application", "headwind");
    // Argo CD's Application type is not installed here: only the fields that point at the chart are checked.
    expect(app.apiVersion).toBe("argoproj.io/v1alpha1");
    expect(app.spec.source.path).toBe("charts/headwind");
    expect(app.spec.destination.namespace).toBe("headwind");
    expect(app.spec.syncPolicy.syncOptions).toContain("CreateNamespace=true");
    expect(app.spec.syncPolicy.managedNamespaceMetadata).toEqual({
      labels: { "pod-security.kubernetes.io/enforce": "restricted" },
    });
    await checkValues(app.spec.source.helm.valuesObject);
  });
});
