// The install, proven on a real apiserver: `kubectl apply -k manifests/` (and its server dry run,
// and the same bundle server-side applied by the client) is accepted whole, without a Pod Security
// warning in the `restricted` namespace, re-applies without changing anything, stores hardened
// containers, and serves an UpdateRequest type that validates, defaults and moves status the way
// docs/design/architecture.md says.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { KubeApiError } from "../../src/kube/kube-api-error.ts";
import {
  adminConfig,
  createTestNamespace,
  installCrds,
  kubeRequest,
  locate,
  randomName,
  statusCode,
  waitFor,
} from "../helpers/cluster.ts";
import { hooksServiceAccount } from "../helpers/headwind-install.ts";
import { kubectlBin, runCommand, runOk } from "../helpers/run-command.ts";

const manifests = fileURLToPath(new URL("../../manifests", import.meta.url));
const hw = "headwind";
const urPath = (ns: string, name = "") =>
  `/apis/headwind.sh/v1alpha1/namespaces/${ns}/updaterequests${name ? `/${name}` : ""}`;

let kc: KubeConfig;
let bundle: KubernetesObject[];
let scratch: string;

/** Runs kubectl against the harness cluster (KUBECONFIG is inherited), never throwing. */
const kubectl = (args: readonly string[]) => runCommand(kubectlBin, args);
const kubectlOk = (args: readonly string[]) => runOk(kubectlBin, args);

/**
 * kubectl's warnings, except the one it prints when adopting an object created by server-side apply
 * (another test file may have installed parts of the bundle that way first).
 */
function warnings(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((l) => /^Warning:/.test(l))
    .filter((l) => !/missing the kubectl\.kubernetes\.io\/last-applied-configuration annotation/.test(l));
}

function parseYaml(text: string): KubernetesObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null);
}

const id = (o: KubernetesObject) => `${o.kind}/${o.metadata?.name}`;

/** resourceVersion of every bundle object as stored now (null when absent). */
async function resourceVersions(): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const o of bundle) {
    try {
      out[id(o)] = ((await kubeRequest(kc, "GET", (await locate(kc, o)).path)) as KubernetesObject).metadata
        ?.resourceVersion as string;
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
      out[id(o)] = null;
    }
  }
  return out;
}

/** A request that also returns the apiserver's `Warning` headers (admission warnings ride on them). */
async function requestWithWarnings(
  method: string,
  path: string,
  body: unknown,
  contentType: string,
): Promise<{ status: number; body: unknown; warnings: string[] }> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error("kubeconfig has no current cluster");
  const opts: https.RequestOptions = {
    method,
    headers: { accept: "application/json", "content-type": contentType },
  };
  await kc.applyToHTTPSOptions(opts);
  return new Promise((resolve, reject) => {
    const req = https.request(new URL(path, server), opts, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString();
        const found: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2)
          if (res.rawHeaders[i]?.toLowerCase() === "warning") found.push(res.rawHeaders[i + 1] ?? "");
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, warnings: found });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

async function serverSideApply(
  objects: readonly KubernetesObject[],
  opts: { dryRun?: boolean },
): Promise<{ object: KubernetesObject; warnings: string[] }[]> {
  const out: { object: KubernetesObject; warnings: string[] }[] = [];
  for (const o of objects) {
    const query = new URLSearchParams({ fieldManager: "headwind-install", force: "false" });
    if (opts.dryRun) query.set("dryRun", "All");
    const res = await requestWithWarnings(
      "PATCH",
      `${(await locate(kc, o)).path}?${query}`,
      o,
      "application/apply-patch+yaml",
    );
    if (res.status >= 300) throw new Error(`apply ${id(o)}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    out.push({ object: res.body as KubernetesObject, warnings: res.warnings });
  }
  return out;
}

async function writeScratch(name: string, objects: readonly unknown[]): Promise<string> {
  const file = join(scratch, name);
  await writeFile(file, objects.map((o) => stringify(o)).join("---\n"));
  return file;
}

/** "kind.group/name created|configured|unchanged ..." lines of kubectl apply, as {kind/name: verb}. */
function applyOutcomes(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.trim().split("\n")) {
    const m = /^([a-z]+)(?:\.[a-z0-9.-]+)?\/(\S+) (.+)$/.exec(line.trim());
    if (!m) throw new Error(`unexpected kubectl apply line: ${line}`);
    out[`${m[1]}/${m[2]}`] = m[3] ?? "";
  }
  return out;
}

const kubectlKind = (o: KubernetesObject) => `${o.kind?.toLowerCase()}/${o.metadata?.name}`;

beforeAll(async () => {
  kc = adminConfig();
  scratch = await mkdtemp(join(tmpdir(), "headwind-install-"));
  // Metacontroller is a prerequisite of the install (its DecoratorController type).
  await installCrds(kc, new URL("../fixtures/crds/metacontroller-crds-v1.yaml", import.meta.url));
  bundle = parseYaml((await kubectlOk(["kustomize", manifests])).stdout);
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("kubectl apply -k manifests/", () => {
  it("builds the expected bundle: every object labelled part-of headwind", () => {
    expect(bundle.map(id).sort()).toEqual(
      [
        "ClusterRole/headwind-approver",
        "ClusterRole/headwind-hooks",
        "ClusterRole/headwind-sidecar",
        "ClusterRole/headwind-viewer",
        "ClusterRole/headwind-sidecar-pull-secrets",
        "ClusterRoleBinding/headwind-hooks",
        "ClusterRoleBinding/headwind-sidecar",
        "CustomResourceDefinition/updaterequests.headwind.sh",
        "DecoratorController/headwind-updaterequests",
        "DecoratorController/headwind-workloads",
        "Deployment/headwind-hooks",
        "Deployment/headwind-sidecar",
        "Namespace/headwind",
        "NetworkPolicy/headwind-default-deny",
        "NetworkPolicy/headwind-hooks",
        "NetworkPolicy/headwind-sidecar",
        "PodDisruptionBudget/headwind-hooks",
        "Role/headwind-sidecar",
        "RoleBinding/headwind-sidecar",
        "Service/headwind-hooks",
        "Service/headwind-webhooks",
        "ServiceAccount/headwind-hooks",
        "ServiceAccount/headwind-sidecar",
        "ValidatingAdmissionPolicy/headwind-approvals",
        "ValidatingAdmissionPolicy/headwind-hooks-workload-changes",
        "ValidatingAdmissionPolicy/headwind-rollbacks",
        "ValidatingAdmissionPolicyBinding/headwind-approvals",
        "ValidatingAdmissionPolicyBinding/headwind-hooks-workload-changes",
        "ValidatingAdmissionPolicyBinding/headwind-rollbacks",
      ].sort(),
    );
    for (const o of bundle) expect(o.metadata?.labels?.["app.kubernetes.io/part-of"], id(o)).toBe("headwind");
  });

  it("--dry-run=server accepts every object, warns about nothing and stores nothing", async () => {
    // Namespaced objects can only be dry-run into an existing namespace: create it first, exactly
    // as the bundle has it (so the later apply finds it unchanged).
    const ns = bundle.filter((o) => o.kind === "Namespace");
    const nsRun = await kubectlOk(["apply", "-f", await writeScratch("namespace.yaml", ns)]);
    expect(warnings(nsRun.stderr)).toEqual([]);

    const before = await resourceVersions();
    const run = await kubectl(["apply", "-k", manifests, "--dry-run=server"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/PodSecurity/);
    expect(warnings(run.stderr)).toEqual([]);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(bundle.length);
    for (const line of lines) expect(line).toMatch(/ \(server dry run\)$/);
    expect(Object.keys(applyOutcomes(run.stdout.replaceAll(" (server dry run)", ""))).sort()).toEqual(
      bundle.map(kubectlKind).sort(),
    );
    expect(await resourceVersions()).toEqual(before);
  });

  it("installs every object, with no Pod Security warning for the Deployments", async () => {
    const run = await kubectl(["apply", "-k", manifests]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/would violate PodSecurity/);
    expect(warnings(run.stderr)).toEqual([]);
    const outcomes = applyOutcomes(run.stdout);
    expect(Object.keys(outcomes).sort()).toEqual(bundle.map(kubectlKind).sort());
    for (const verb of Object.values(outcomes)) expect(verb).toMatch(/^(created|configured|unchanged)$/);
    const stored = await resourceVersions();
    expect(Object.entries(stored).filter(([, rv]) => rv === null)).toEqual([]);
  });

  it("re-applies without changing anything", async () => {
    const before = await resourceVersions();
    const run = await kubectlOk(["apply", "-k", manifests]);
    expect(warnings(run.stderr)).toEqual([]);
    const expected = Object.fromEntries(bundle.map((o) => [kubectlKind(o), "unchanged"]));
    // kubectl always sends a PDB's selector (its patch strategy is "replace") and so says
    // "configured"; the server stores nothing new, as the resourceVersions show.
    expected["poddisruptionbudget/headwind-hooks"] = "configured";
    expect(applyOutcomes(run.stdout)).toEqual(expected);
    expect(await resourceVersions()).toEqual(before);
  });
});

describe("kubectl kustomize + server-side apply with the client", () => {
  it("dryRun=All is accepted with no warning and stores nothing", async () => {
    const before = await resourceVersions();
    const results = await serverSideApply(bundle, { dryRun: true });
    expect(results.flatMap((r) => r.warnings)).toEqual([]);
    expect(await resourceVersions()).toEqual(before);
  });

  it("is accepted with no warning, and a second apply changes no resourceVersion", async () => {
    const first = await serverSideApply(bundle, {});
    expect(first.flatMap((r) => r.warnings.map((w) => `${id(r.object)}: ${w}`))).toEqual([]);
    const afterFirst = await resourceVersions();
    const second = await serverSideApply(bundle, {});
    expect(second.flatMap((r) => r.warnings)).toEqual([]);
    expect(await resourceVersions()).toEqual(afterFirst);
    expect(second.map((r) => r.object.metadata?.resourceVersion)).toEqual(
      bundle.map((o) => afterFirst[id(o)]),
    );
  });
});

type Container = {
  name: string;
  ports?: { name?: string; containerPort: number }[];
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    privileged?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type?: string };
  };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: { httpGet?: { port?: string | number } };
  livenessProbe?: { httpGet?: { port?: string | number } };
};
type PodSpec = {
  serviceAccountName?: string;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; seccompProfile?: { type?: string } };
  containers: Container[];
  initContainers?: Container[];
};
type Deployment = KubernetesObject & {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
  };
};

type PodSecurity = NonNullable<PodSpec["securityContext"]>;

/** A table of checks: a container passes a check when the predicate holds. */
const containerChecks: readonly [string, (c: Container, pod: PodSecurity) => boolean][] = [
  ["runAsNonRoot is not true", (c, pod) => (c.securityContext?.runAsNonRoot ?? pod.runAsNonRoot) === true],
  ["runs as UID 0", (c, pod) => (c.securityContext?.runAsUser ?? pod.runAsUser) !== 0],
  ["root filesystem is writable", (c) => c.securityContext?.readOnlyRootFilesystem === true],
  ["allowPrivilegeEscalation is not false", (c) => c.securityContext?.allowPrivilegeEscalation === false],
  ["privileged", (c) => c.securityContext?.privileged !== true],
  ["capabilities do not drop ALL", (c) => c.securityContext?.capabilities?.drop?.includes("ALL") === true],
  ["adds capabilities", (c) => !c.securityContext?.capabilities?.add?.length],
  [
    "seccomp is not RuntimeDefault",
    (c, pod) => (c.securityContext?.seccompProfile ?? pod.seccompProfile)?.type === "RuntimeDefault",
  ],
  ["no cpu request", (c) => Boolean(c.resources?.requests?.cpu)],
  ["no memory request", (c) => Boolean(c.resources?.requests?.memory)],
  ["no cpu limit", (c) => Boolean(c.resources?.limits?.cpu)],
  ["no memory limit", (c) => Boolean(c.resources?.limits?.memory)],
  ["no readinessProbe", (c) => c.readinessProbe !== undefined],
  ["no livenessProbe", (c) => c.livenessProbe !== undefined],
  [
    "a probe names a port the container does not declare",
    (c) => {
      const ports = new Set((c.ports ?? []).flatMap((p) => [p.name, p.containerPort]));
      return [c.readinessProbe, c.livenessProbe].every((p) => {
        const port = p?.httpGet?.port;
        return port === undefined || ports.has(port);
      });
    },
  ],
];

/** Every way a container of the pod spec falls short of the hardening the install promises (README, Security). */
function hardeningGaps(spec: PodSpec): string[] {
  const pod = spec.securityContext ?? {};
  const gaps = spec.hostNetwork || spec.hostPID || spec.hostIPC ? ["pod shares a host namespace"] : [];
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])])
    for (const [gap, holds] of containerChecks) if (!holds(c, pod)) gaps.push(`${c.name}: ${gap}`);
  return gaps;
}

describe("stored workloads in the restricted namespace", () => {
  const deployments = () =>
    Promise.all(
      ["headwind-hooks", "headwind-sidecar"].map(
        async (name) =>
          (await kubeRequest(kc, "GET", `/apis/apps/v1/namespaces/${hw}/deployments/${name}`)) as Deployment,
      ),
    );

  it("the namespace enforces Pod Security restricted", async () => {
    const ns = (await kubeRequest(kc, "GET", `/api/v1/namespaces/${hw}`)) as KubernetesObject;
    expect(ns.metadata?.labels).toMatchObject({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/enforce-version": "latest",
    });
  });

  it("every container: non-root, read-only root, no escalation, drops ALL, RuntimeDefault, sized, probed", async () => {
    for (const d of await deployments()) {
      expect({ deployment: d.metadata?.name, gaps: hardeningGaps(d.spec.template.spec) }).toEqual({
        deployment: d.metadata?.name,
        gaps: [],
      });
      expect(d.spec.template.spec.serviceAccountName).toBe(d.metadata?.name);
    }
  });

  it("the hooks take their credential from the Secret both DecoratorControllers name, and cannot start without it", async () => {
    const [hooks] = await deployments();
    const [container] = hooks?.spec.template.spec.containers ?? [];
    const env = (container as { env?: { name: string; valueFrom?: unknown }[] } | undefined)?.env;
    const from = (name: string) => env?.find((e) => e.name === name)?.valueFrom;
    expect(from("HEADWIND_HOOK_TOKEN")).toEqual({
      secretKeyRef: { name: "headwind-hook-credentials", key: "token" },
    });
    expect(from("HEADWIND_HOOK_EXTRA_TOKENS")).toEqual({
      secretKeyRef: { name: "headwind-hook-credentials", key: "accepted", optional: true },
    });
    const controllers = bundle.filter((o) => o.kind === "DecoratorController") as (KubernetesObject & {
      spec: { hooks: Record<string, { webhook: { authorization?: unknown } }> };
    })[];
    const credentials = controllers.flatMap((dc) =>
      Object.values(dc.spec.hooks).map((h) => h.webhook.authorization),
    );
    expect(credentials).toHaveLength(4);
    for (const credential of credentials)
      expect(credential).toEqual({
        type: "Bearer",
        secretRef: { name: "headwind-hook-credentials", namespace: hw, key: "token" },
      });
  });

  it("the checks are live: a lax Deployment draws the PodSecurity warning, a lax Pod is refused", async () => {
    const lax = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: randomName("psa-probe"), namespace: hw },
      spec: {
        selector: { matchLabels: { probe: "psa" } },
        template: {
          metadata: { labels: { probe: "psa" } },
          spec: { containers: [{ name: "c", image: "busybox" }] },
        },
      },
    };
    const run = await kubectl(["apply", "--dry-run=server", "-f", await writeScratch("lax.yaml", [lax])]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Warning: would violate PodSecurity "restricted:latest"/);
    expect(hardeningGaps(lax.spec.template.spec)).toHaveLength(11);

    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: lax.metadata.name },
      spec: lax.spec.template.spec,
    };
    const refused = await requestWithWarnings(
      "POST",
      `/api/v1/namespaces/${hw}/pods?dryRun=All`,
      pod,
      "application/json",
    );
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toMatch(/violates PodSecurity \\"restricted:latest\\"/);
  });

  it("Pods made from both Deployment templates are admitted by the restricted policy (dry run)", async () => {
    for (const d of await deployments()) {
      const res = await requestWithWarnings(
        "POST",
        `/api/v1/namespaces/${hw}/pods?dryRun=All`,
        {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: randomName(d.metadata?.name), labels: d.spec.template.metadata.labels },
          spec: d.spec.template.spec,
        },
        "application/json",
      );
      expect({ pod: d.metadata?.name, status: res.status, warnings: res.warnings }).toEqual({
        pod: d.metadata?.name,
        status: 201,
        warnings: [],
      });
    }
  });

  const portNames = (d: Deployment) =>
    new Set(d.spec.template.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)));
  const selects = (selector: Record<string, string>, d: Deployment) =>
    Object.entries(selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v);
  type Service = {
    spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] };
  };
  const service = async (name: string) =>
    (await kubeRequest(kc, "GET", `/api/v1/namespaces/${hw}/services/${name}`)) as Service;

  it("each Service selects its Deployment's pods and targets ports the containers declare", async () => {
    const [hooks, sidecar] = await deployments();
    for (const [name, d] of [
      ["headwind-hooks", hooks],
      ["headwind-webhooks", sidecar],
    ] as const) {
      if (!d) throw new Error("missing Deployment");
      const s = await service(name);
      expect(selects(s.spec.selector, d), name).toBe(true);
      expect(s.spec.ports.filter((p) => !portNames(d).has(p.targetPort))).toEqual([]);
    }
  });

  it("the NetworkPolicies and the PDB select the pods they are meant for", async () => {
    const [hooks, sidecar] = await deployments();
    if (!hooks || !sidecar) throw new Error("missing Deployment");
    type Np = { spec: { podSelector: { matchLabels?: Record<string, string> } } };
    const np = async (name: string) =>
      (await kubeRequest(
        kc,
        "GET",
        `/apis/networking.k8s.io/v1/namespaces/${hw}/networkpolicies/${name}`,
      )) as Np;
    expect(selects((await np("headwind-hooks")).spec.podSelector.matchLabels ?? {}, hooks)).toBe(true);
    expect(selects((await np("headwind-hooks")).spec.podSelector.matchLabels ?? {}, sidecar)).toBe(false);
    expect(selects((await np("headwind-sidecar")).spec.podSelector.matchLabels ?? {}, sidecar)).toBe(true);
    expect((await np("headwind-default-deny")).spec.podSelector).toEqual({});
    const pdb = (await kubeRequest(
      kc,
      "GET",
      `/apis/policy/v1/namespaces/${hw}/poddisruptionbudgets/headwind-hooks`,
    )) as { spec: { selector: { matchLabels: Record<string, string> } } };
    expect(selects(pdb.spec.selector.matchLabels, hooks)).toBe(true);
  });

  it("every DecoratorController hook is a v2 call to the hooks Service on the hooks port", async () => {
    const hooksPort = (await service("headwind-hooks")).spec.ports.find(
      (p) => p.targetPort === "hooks",
    )?.port;
    expect(hooksPort).toBe(8000);
    type Hook = { version?: string; webhook: { service?: unknown; path?: string } };
    for (const name of ["headwind-workloads", "headwind-updaterequests"]) {
      const dc = (await kubeRequest(
        kc,
        "GET",
        `/apis/metacontroller.k8s.io/v1alpha1/decoratorcontrollers/${name}`,
      )) as { spec: { hooks: Record<string, Hook> } };
      expect(Object.keys(dc.spec.hooks).sort()).toEqual(["customize", "sync"]);
      for (const [hook, spec] of Object.entries(dc.spec.hooks)) {
        expect({ hook, version: spec.version, service: spec.webhook.service }).toEqual({
          hook,
          version: "v2",
          service: { name: "headwind-hooks", namespace: hw, port: hooksPort },
        });
        expect(spec.webhook.path).toMatch(/^\/hooks\//);
      }
    }
  });
});

type UpdateRequest = KubernetesObject & { spec: Record<string, unknown>; status?: Record<string, unknown> };

function anUpdateRequest(name: string, ns: string, spec: Record<string, unknown> = {}): UpdateRequest {
  return {
    apiVersion: "headwind.sh/v1alpha1",
    kind: "UpdateRequest",
    metadata: { name, namespace: ns },
    spec: {
      targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: ns },
      containerName: "nginx",
      currentImage: "nginx:1.25.3",
      newImage: "nginx:1.27.0",
      policy: "minor",
      approval: "Required",
      expiresAt: "2026-11-26T10:00:00Z",
      ...spec,
    },
  };
}

/** The status code and `field: message` causes of a request the server refused. */
async function rejection(p: Promise<unknown>): Promise<{ code: number | undefined; causes: string[] }> {
  try {
    await p;
  } catch (err) {
    const causes = (err instanceof KubeApiError ? err.causes : []).map((c) => `${c.field}: ${c.message}`);
    return { code: statusCode(err), causes };
  }
  throw new Error("expected the request to be rejected");
}

describe("the UpdateRequest CRD", () => {
  let ns: string;
  /** Headwind's status fields are Headwind's to write (manifests/admission/approvals.yaml). */
  let asHooks: KubeConfig;
  beforeAll(async () => {
    ns = await createTestNamespace(kc, "hw-install-ur");
    asHooks = await hooksServiceAccount(kc);
  });

  it("is Established with its names accepted, and discovery serves ur, upd and the headwind category", async () => {
    const crd = (await kubeRequest(
      kc,
      "GET",
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/updaterequests.headwind.sh",
    )) as {
      status: { conditions: { type: string; status: string }[]; acceptedNames: Record<string, unknown> };
    };
    const condition = (type: string) => crd.status.conditions.find((c) => c.type === type)?.status;
    expect([condition("Established"), condition("NamesAccepted")]).toEqual(["True", "True"]);
    expect(crd.status.acceptedNames).toMatchObject({ kind: "UpdateRequest", shortNames: ["ur", "upd"] });

    const resources = (await kubeRequest(kc, "GET", "/apis/headwind.sh/v1alpha1")) as {
      resources: {
        name: string;
        namespaced: boolean;
        shortNames?: string[];
        categories?: string[];
        verbs: string[];
      }[];
    };
    const ur = resources.resources.find((r) => r.name === "updaterequests");
    expect(ur).toMatchObject({ namespaced: true, shortNames: ["ur", "upd"], categories: ["headwind"] });
    expect(resources.resources.map((r) => r.name).sort()).toEqual([
      "updaterequests",
      "updaterequests/status",
    ]);
  });

  it("kubectl get ur -A / upd / the headwind category list UpdateRequests with the printer columns", async () => {
    const name = randomName("ur");
    await kubeRequest(kc, "POST", urPath(ns), anUpdateRequest(name, ns));
    await kubeRequest(
      asHooks,
      "PATCH",
      `${urPath(ns, name)}/status`,
      { status: { phase: "Pending", message: "waiting" } },
      "application/merge-patch+json",
    );

    const all = await kubectlOk(["get", "ur", "-A"]);
    const [header, ...rows] = all.stdout.trim().split("\n");
    expect(header?.split(/\s+/)).toEqual(["NAMESPACE", "NAME", "TARGET", "CONTAINER", "NEW", "PHASE", "AGE"]);
    const row = rows.find((r) => r.includes(name))?.split(/\s+/);
    expect(row?.slice(0, 6)).toEqual([ns, name, "web", "nginx", "nginx:1.27.0", "Pending"]);

    const wide = await kubectlOk(["get", "upd", "-n", ns, "-o", "wide"]);
    expect(wide.stdout.split("\n")[0]?.split(/\s+/)).toEqual([
      "NAME",
      "TARGET",
      "TYPE",
      "CONTAINER",
      "CURRENT",
      "NEW",
      "POLICY",
      "PHASE",
      "WAITING-UNTIL",
      "GITOPS",
      "MESSAGE",
      "AGE",
    ]);
    expect(wide.stdout).toMatch(
      new RegExp(
        `${name}\\s+web\\s+update\\s+nginx\\s+nginx:1\\.25\\.3\\s+nginx:1\\.27\\.0\\s+minor\\s+Pending\\s+waiting`,
      ),
    );
    const byCategory = await kubectlOk(["get", "headwind", "-n", ns, "-o", "name"]);
    expect(byCategory.stdout.trim()).toBe(`updaterequest.headwind.sh/${name}`);
  });

  it("applies the spec defaults", async () => {
    const name = randomName("ur");
    const created = (await kubeRequest(kc, "POST", urPath(ns), anUpdateRequest(name, ns))) as UpdateRequest;
    expect(created.spec).toMatchObject({
      containerType: "containers",
      updateType: "image",
      type: "update",
      autoRollback: false,
      rollbackTimeoutSeconds: 300,
      healthCheckRetries: 3,
    });
  });

  it("rejects an unknown policy, an unknown target kind, a missing field and currentImage == newImage (422)", async () => {
    const create = (spec: Record<string, unknown>) =>
      rejection(kubeRequest(kc, "POST", urPath(ns), anUpdateRequest(randomName("ur"), ns, spec)));
    const policy = await create({ policy: "latest" });
    expect(policy.code).toBe(422);
    expect(policy.causes).toContainEqual(expect.stringMatching(/^spec\.policy: Unsupported value: "latest"/));
    const kind = await create({ targetRef: { apiVersion: "v1", kind: "Pod", name: "p", namespace: ns } });
    expect(kind.code).toBe(422);
    expect(kind.causes).toContainEqual(
      expect.stringMatching(/^spec\.targetRef\.kind: Unsupported value: "Pod"/),
    );
    expect(kind.causes).toContainEqual(
      expect.stringMatching(/^spec\.targetRef\.apiVersion: Unsupported value: "v1"/),
    );
    const same = await create({ newImage: "nginx:1.25.3" });
    expect(same.code).toBe(422);
    expect(same.causes).toEqual(["spec: Invalid value: newImage must differ from currentImage"]);
    const { expiresAt: _dropped, ...withoutExpiry } = anUpdateRequest("x", ns).spec;
    const missing = await rejection(
      kubeRequest(kc, "POST", urPath(ns), { ...anUpdateRequest(randomName("ur"), ns), spec: withoutExpiry }),
    );
    expect(missing.code).toBe(422);
    expect(missing.causes).toContainEqual("spec.expiresAt: Required value");
  });

  it("moves status only through the status subresource, and only to a known phase", async () => {
    const name = randomName("ur");
    await kubeRequest(kc, "POST", urPath(ns), {
      ...anUpdateRequest(name, ns),
      status: { phase: "Completed" },
    });
    // Status in a create or a main-resource write is dropped.
    const stored = (await kubeRequest(kc, "GET", urPath(ns, name))) as UpdateRequest;
    expect(stored.status).toBeUndefined();
    await kubeRequest(
      kc,
      "PATCH",
      urPath(ns, name),
      { status: { phase: "Approved" } },
      "application/merge-patch+json",
    );
    expect(((await kubeRequest(kc, "GET", urPath(ns, name))) as UpdateRequest).status).toBeUndefined();

    const bogus = await rejection(
      kubeRequest(
        kc,
        "PATCH",
        `${urPath(ns, name)}/status`,
        { status: { phase: "Bogus" } },
        "application/merge-patch+json",
      ),
    );
    expect(bogus.code).toBe(422);
    expect(bogus.causes).toContainEqual(expect.stringMatching(/^status\.phase: Unsupported value: "Bogus"/));

    // The documented approval, exactly as a person types it.
    const approve = await kubectlOk([
      "patch",
      "updaterequest",
      name,
      "-n",
      ns,
      "--subresource=status",
      "--type=merge",
      "-p",
      // approvedBy is the person's own user name (manifests/admission/approvals.yaml).
      '{"status":{"phase":"Approved","approvedBy":"headwind-admin"}}',
    ]);
    expect(approve.stdout).toMatch(/patched/);
    const approved = (await kubeRequest(kc, "GET", urPath(ns, name))) as UpdateRequest;
    expect(approved.status).toEqual({ phase: "Approved", approvedBy: "headwind-admin" });
    // And a spec change sent to /status is ignored.
    await kubeRequest(
      kc,
      "PATCH",
      `${urPath(ns, name)}/status`,
      { spec: { policy: "major" } },
      "application/merge-patch+json",
    );
    expect(((await kubeRequest(kc, "GET", urPath(ns, name))) as UpdateRequest).spec.policy).toBe("minor");
  });

  it("lists through kubectl while empty, without error", async () => {
    const empty = await createTestNamespace(kc, "hw-install-empty");
    const run = await waitFor("kubectl get ur to answer", async () => {
      const r = await kubectl(["get", "ur", "-n", empty]);
      return r.code === 0 ? r : undefined;
    });
    expect(run.stderr).toMatch(/No resources found/);
  });
});
