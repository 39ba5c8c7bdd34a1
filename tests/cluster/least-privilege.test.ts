// Least privilege, proven on a real apiserver with RBAC: the manifests are installed as shipped,
// each component gets a real token from the TokenRequest API, its real calls succeed under that
// token, a table of SubjectAccessReviews pins what is allowed and denied (the must-never list
// included), and SelfSubjectRulesReview shows no rule beyond the expected set.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { buildTagConfigMap, tagsLabel } from "../../src/core/tags/tag-configmap.ts";
import { workloadKinds } from "../../src/core/workloads/workload-kinds.ts";
import { createApprovalGateway } from "../../src/hooks-server/approval-api/create-approval-gateway.ts";
import { createExecutor } from "../../src/hooks-server/effects/create-executor.ts";
import type { Effect } from "../../src/hooks-server/effects/effect.ts";
import { createKubeGateway } from "../../src/hooks-server/effects/kube-gateway.ts";
import { createKubeTransport } from "../../src/kube/create-kube-transport.ts";
import { createKubeWatch } from "../../src/kube/create-kube-watch.ts";
import { kubeStatus } from "../../src/kube/kube-api-error.ts";
import { listAllPages } from "../../src/kube/list-pages.ts";
import { createLeaseElector } from "../../src/sidecar/runtime/create-lease-elector.ts";
import { sidecarFieldManager } from "../../src/sidecar/runtime/create-tag-store.ts";
import { createWorkloadView } from "../../src/sidecar/runtime/create-workload-view.ts";
import { createSidecarKube, type LeaseObject } from "../../src/sidecar/runtime/sidecar-kube.ts";
import {
  adminConfig,
  applyObjects,
  configForToken,
  createTestNamespace,
  installCrds,
  kubeRequest,
  randomName,
  serviceAccountToken,
  statusCode,
  waitFor,
} from "../helpers/cluster.ts";
import { type OwnedRequest, ownedUpdateRequest } from "../helpers/owned-update-request.ts";
import {
  accessTable,
  type Component,
  expectedRules,
  headwindNamespace as hw,
  serviceAccounts,
} from "../helpers/rbac-expectations.ts";
import {
  authenticatedBaseline,
  describeAccess,
  minus,
  type RuleSet,
  selfSubjectRules,
  serviceAccountIdentity,
  subjectAccessReview,
} from "../helpers/rbac-review.ts";

const run = promisify(execFile);
const kubectl = process.env.KUBECTL ?? "/usr/bin/kubectl";
const manifests = fileURLToPath(new URL("../../manifests", import.meta.url));
const pullSecretsComponent = join(manifests, "components/pull-secrets");
const leasesPath = "/apis/coordination.k8s.io/v1/namespaces/headwind/leases";

let kc: KubeConfig;
/** Namespace with workloads and no Headwind binding. */
let workload: string;
/** Namespace where the pull-secrets component is bound. */
let pulled: string;
const as: Partial<Record<Component, KubeConfig>> = {};

/** The sidecar's own Kubernetes client (src/sidecar), authenticated by the sidecar's token. */
const kube = () =>
  createSidecarKube(createKubeTransport(asComponent("sidecar")), createKubeWatch(asComponent("sidecar")));

function asComponent(component: Component): KubeConfig {
  const config = as[component];
  if (!config) throw new Error(`no token for ${component}`);
  return config;
}

async function kustomize(dir: string): Promise<KubernetesObject[]> {
  const { stdout } = await run(kubectl, ["kustomize", dir], { maxBuffer: 16 << 20 });
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as KubernetesObject | null)
    .filter((o): o is KubernetesObject => o !== null);
}

/** HTTP status of a call expected to fail, or 200 when it succeeded. */
async function statusOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return 200;
  } catch (err) {
    return statusCode(err) ?? Number.NaN;
  }
}

const image = (tag: string) => `registry.example/shop/web:${tag}`;
const podSpec = (tag: string) => ({ containers: [{ name: "app", image: image(tag) }] });
const template = (tag: string) => ({ metadata: { labels: { app: "web" } }, spec: podSpec(tag) });
const selector = { matchLabels: { app: "web" } };

/** A manifest as written: any fields beyond the object basics. */
interface Manifest extends KubernetesObject {
  [field: string]: unknown;
}

/** Server-side applies manifests as admin. */
const applyManifests = (objects: Manifest[]) => applyObjects(kc, objects);

function workloads(namespace: string): Manifest[] {
  const meta = { name: "web", namespace, annotations: { "headwind.sh/policy": "minor" } };
  return [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta,
      spec: { selector, template: template("1.0.0") },
    },
    {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: meta,
      spec: { serviceName: "web", selector, template: template("1.0.0") },
    },
    {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: meta,
      spec: { selector, template: template("1.0.0") },
    },
    {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: meta,
      spec: {
        schedule: "*/5 * * * *",
        jobTemplate: { spec: { template: { spec: { ...podSpec("1.0.0"), restartPolicy: "Never" } } } },
      },
    },
  ];
}

const plural: Record<string, string> = {
  Deployment: "deployments",
  StatefulSet: "statefulsets",
  DaemonSet: "daemonsets",
  CronJob: "cronjobs",
};
const pathOf = (o: KubernetesObject) =>
  `/apis/${o.apiVersion}/namespaces/${o.metadata?.namespace}/${plural[o.kind ?? ""]}/${o.metadata?.name}`;

function imageOf(o: KubernetesObject): unknown {
  const spec = (o as { spec: Record<string, never> }).spec as {
    template?: { spec: { containers: { image: string }[] } };
    jobTemplate?: { spec: { template: { spec: { containers: { image: string }[] } } } };
  };
  return (spec.template ?? spec.jobTemplate?.spec.template)?.spec.containers[0]?.image;
}

beforeAll(async () => {
  kc = adminConfig();
  // The DecoratorControllers in the bundle need Metacontroller's CRDs; cluster-scoped, so shared.
  await installCrds(kc, new URL("../fixtures/crds/metacontroller-crds-v1.yaml", import.meta.url));
  // The install as shipped (kubectl kustomize + server-side apply; install.test.ts covers kubectl apply -k).
  const bundle = await kustomize(manifests);
  const crds = bundle.filter((o) => o.kind === "CustomResourceDefinition");
  await applyObjects(kc, crds);
  await waitFor("the UpdateRequest CRD to be served", async () => {
    await kubeRequest(kc, "GET", "/apis/headwind.sh/v1alpha1/updaterequests");
    return true;
  });
  await applyObjects(
    kc,
    bundle.filter((o) => o.kind !== "CustomResourceDefinition"),
    { fieldManager: "headwind-least-privilege-test" },
  );

  workload = await createTestNamespace(kc, "hw-lp-apps");
  pulled = await createTestNamespace(kc, "hw-lp-pulled");
  for (const component of ["hooks", "sidecar"] as const) {
    const sa = serviceAccounts[component];
    const token = await serviceAccountToken(kc, sa.namespace, sa.name);
    as[component] = configForToken(kc, token, serviceAccountIdentity(sa).user);
  }
  // The RBAC authorizer reads bindings through an informer: wait until the install is in effect.
  await waitFor("the Headwind bindings to take effect", async () => {
    const [h, s] = await Promise.all([
      subjectAccessReview(kc, serviceAccounts.hooks, {
        verb: "patch",
        group: "apps",
        resource: "deployments",
        namespace: workload,
      }),
      subjectAccessReview(kc, serviceAccounts.sidecar, {
        verb: "get",
        group: "",
        resource: "secrets",
        namespace: hw,
      }),
    ]);
    return h.allowed && s.allowed;
  });
});

describe("hooks token: the real effect calls", () => {
  it("GETs the UpdateRequest and the workload, then JSON-patches the image of a Deployment, StatefulSet, DaemonSet and CronJob", async () => {
    const objects = (await applyObjects(kc, workloads(workload))) as OwnedRequest["target"][];
    const execute = createExecutor({
      gateway: createKubeGateway(createKubeTransport(asComponent("hooks"))),
      notify: async () => [],
      clock: Date.now,
      instance: "least-privilege-test",
    });
    const effects: Effect[] = [];
    for (const target of objects) {
      effects.push(
        await ownedUpdateRequest(kc, asComponent("hooks"), {
          target,
          name: randomName(`lp-${target.kind?.toLowerCase()}`),
          currentImage: image("1.0.0"),
          newImage: image("1.1.0"),
          phase: "Applying",
        }),
      );
    }
    const outcomes = await execute(effects);
    expect(outcomes.map((o) => o.result)).toEqual(["applied", "applied", "applied", "applied"]);
    for (const o of objects)
      expect(imageOf((await kubeRequest(kc, "GET", pathOf(o))) as KubernetesObject)).toBe(image("1.1.0"));
    // A repeat reads, sees the wanted image and sends nothing.
    expect((await execute(effects)).map((o) => o.result)).toEqual(["noop", "noop", "noop", "noop"]);
  });

  it("writes an UpdateRequest's status itself, conditional on the resourceVersion it read", async () => {
    const [target] = (await applyObjects(kc, workloads(workload))) as OwnedRequest["target"][];
    if (!target) throw new Error("no workload");
    const name = randomName("lp-status");
    await ownedUpdateRequest(kc, asComponent("hooks"), {
      target,
      name,
      currentImage: image("1.0.0"),
      newImage: image("9.0.0"),
      phase: "Pending",
    });
    const gateway = createKubeGateway(createKubeTransport(asComponent("hooks")));
    const read = await gateway.getUpdateRequest(workload, name);
    if (!read) throw new Error("no UpdateRequest");
    const written = await gateway.writeUpdateRequestStatus(read, {
      phase: "Expired",
      message: "least-privilege check",
      notified: [],
    });
    expect(written.status).toEqual({ phase: "Expired", message: "least-privilege check", notified: [] });
    const stale = await gateway
      .writeUpdateRequestStatus(read, { phase: "Superseded" })
      .catch((e: unknown) => e);
    expect(kubeStatus(stale)).toBe(409);
  });

  it("sends application/json-patch+json itself, and the test op guards the image under this token", async () => {
    const [deployment] = workloads(workload);
    if (!deployment) throw new Error("no deployment");
    const path = "/spec/template/spec/containers/0/image";
    const hooks = asComponent("hooks");
    const patch = (from: string, to: string) =>
      kubeRequest(
        hooks,
        "PATCH",
        `${pathOf(deployment)}?fieldManager=headwind`,
        [
          { op: "test", path, value: from },
          { op: "replace", path, value: to },
        ],
        "application/json-patch+json",
      );
    const live = (await kubeRequest(hooks, "GET", pathOf(deployment))) as KubernetesObject;
    const current = String(imageOf(live));
    expect(imageOf((await patch(current, image("1.2.0"))) as KubernetesObject)).toBe(image("1.2.0"));
    // Stale expectation: the server refuses the whole patch (422), nothing is overwritten.
    expect(await statusOf(patch(current, image("9.9.9")))).toBe(422);
    expect(imageOf((await kubeRequest(kc, "GET", pathOf(deployment))) as KubernetesObject)).toBe(
      image("1.2.0"),
    );
  });

  it("creates an events.k8s.io/v1 Event in the workload's namespace", async () => {
    const execute = createExecutor({
      gateway: createKubeGateway(createKubeTransport(asComponent("hooks"))),
      notify: async () => [],
      clock: Date.now,
      instance: "least-privilege-test",
    });
    const key = randomName("event");
    const [outcome] = await execute([
      {
        type: "event",
        key,
        regarding: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: workload },
        eventType: "Normal",
        reason: "UpdateApplied",
        message: "least-privilege check",
      },
    ]);
    // "undelivered" would hide a 403 (an Event never blocks the state machine): insist on applied.
    expect(outcome).toEqual({ key, result: "applied" });
    const events = (await kubeRequest(kc, "GET", `/apis/events.k8s.io/v1/namespaces/${workload}/events`)) as {
      items: { reason?: string; reportingController?: string; regarding?: { name?: string } }[];
    };
    expect(events.items).toContainEqual(
      expect.objectContaining({
        reason: "UpdateApplied",
        reportingController: "headwind.sh/hooks",
        regarding: expect.objectContaining({ name: "web" }),
      }),
    );
  });

  it("makes the approval API's calls: TokenReview, SubjectAccessReview, UpdateRequest reads, the status patch", async () => {
    await applyObjects(kc, workloads(workload));
    const name = randomName("web-app");
    await applyManifests([
      {
        apiVersion: "headwind.sh/v1alpha1",
        kind: "UpdateRequest",
        metadata: { name, namespace: workload },
        spec: {
          targetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: workload },
          containerName: "app",
          currentImage: image("1.0.0"),
          newImage: image("1.1.0"),
          policy: "minor",
          approval: "Required",
          expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        },
      },
    ]);
    const gateway = createApprovalGateway(createKubeTransport(asComponent("hooks")));
    const sidecar = serviceAccountIdentity(serviceAccounts.sidecar);
    const identity = await gateway.authenticate(await serviceAccountToken(kc, hw, "headwind-sidecar"));
    expect(identity).toMatchObject({
      username: sidecar.user,
      groups: expect.arrayContaining(sidecar.groups),
    });
    expect(await gateway.authenticate("not-a-token")).toBeUndefined();
    if (!identity) throw new Error("no identity");
    const list = { verb: "list", group: "apps", resource: "deployments", namespace: "" };
    expect((await gateway.authorize(identity, list)).allowed).toBe(true);
    const approve = {
      verb: "patch",
      group: "headwind.sh",
      resource: "updaterequests",
      subresource: "status",
      namespace: workload,
      name,
    };
    expect((await gateway.authorize(identity, approve)).allowed).toBe(false);

    expect((await gateway.listUpdateRequests(workload)).map((u) => u.metadata.name)).toContain(name);
    expect((await gateway.listUpdateRequests(undefined)).map((u) => u.metadata.name)).toContain(name);
    const read = await gateway.getUpdateRequest(workload, name);
    const rv = read?.metadata.resourceVersion ?? "";
    const patched = await gateway.patchUpdateRequestStatus(workload, name, rv, {
      phase: "Rejected",
      rejectedBy: "least-privilege-test",
    });
    expect(patched.status).toMatchObject({ phase: "Rejected", rejectedBy: "least-privilege-test" });
    // The resourceVersion makes the write conditional: a stale one is a 409, nothing written.
    const stale = await gateway
      .patchUpdateRequestStatus(workload, name, rv, { phase: "Approved" })
      .catch((e: unknown) => e);
    expect(kubeStatus(stale)).toBe(409);
    expect((await gateway.getUpdateRequest(workload, name))?.status?.phase).toBe("Rejected");
    expect(await gateway.getUpdateRequest(workload, "absent")).toBeUndefined();
    const deployments = workloadKinds[0];
    if (deployments === undefined) throw new Error("no workload kinds");
    expect((await gateway.getWorkload(deployments, workload, "web"))?.metadata.name).toBe("web");
    expect(await gateway.getWorkload(deployments, workload, "absent")).toBeUndefined();

    // The UpdateRequest itself (spec, metadata) stays out of reach.
    const hooks = asComponent("hooks");
    const path = `/apis/headwind.sh/v1alpha1/namespaces/${workload}/updaterequests/${name}`;
    const merge = "application/merge-patch+json";
    expect(await statusOf(kubeRequest(hooks, "PATCH", path, { spec: { newImage: "evil:1" } }, merge))).toBe(
      403,
    );
    expect(await statusOf(kubeRequest(hooks, "DELETE", path))).toBe(403);
    expect(await statusOf(kubeRequest(hooks, "PUT", `${path}/status`, read))).toBe(403);
  });

  it("is refused everything else it might be tempted to do (real calls: 403)", async () => {
    const hooks = asComponent("hooks");
    expect(
      await statusOf(kubeRequest(hooks, "GET", `/apis/apps/v1/namespaces/${workload}/deployments`)),
    ).toBe(403);
    expect(await statusOf(kubeRequest(hooks, "GET", `/api/v1/namespaces/${hw}/secrets`))).toBe(403);
    expect(await statusOf(kubeRequest(hooks, "GET", `/api/v1/namespaces/${hw}/configmaps`))).toBe(403);
    expect(
      await statusOf(
        kubeRequest(hooks, "POST", `/apis/headwind.sh/v1alpha1/namespaces/${workload}/updaterequests`, {
          apiVersion: "headwind.sh/v1alpha1",
          kind: "UpdateRequest",
          metadata: { name: "nope" },
          spec: {},
        }),
      ),
    ).toBe(403);
    expect(
      await statusOf(kubeRequest(hooks, "DELETE", `/apis/apps/v1/namespaces/${workload}/deployments/web`)),
    ).toBe(403);
  });
});

describe("sidecar token: the real ingest calls (src/sidecar's own Kubernetes client)", () => {
  it("LISTs annotated Deployments, StatefulSets, DaemonSets and CronJobs cluster-wide, page by page", async () => {
    await applyObjects(kc, workloads(workload));
    for (const kind of workloadKinds) {
      const items = await listAllPages((page) => kube().listWorkloads(kind, page), 2);
      expect(items.map((i) => `${i.kind} ${i.metadata.namespace}/${i.metadata.name}`)).toContain(
        `${kind.kind} ${workload}/web`,
      );
    }
  });

  it("WATCHes every workload kind cluster-wide: a newly annotated one arrives as an event", async () => {
    const errors: string[] = [];
    const view = createWorkloadView({
      kube: kube(),
      kinds: workloadKinds,
      resyncMs: 60_000,
      onChange: () => {},
      onError: (kind, error) => errors.push(`${kind.kind}: ${String(error)}`),
    });
    const stop = new AbortController();
    void view.run(stop.signal);
    try {
      await waitFor("the first LISTs", async () => view.workloads().length > 0);
      const late = workloads(workload).map((w) => ({
        ...w,
        metadata: { ...w.metadata, name: "late" },
      }));
      await applyManifests(late);
      await waitFor("a watch event per kind", async () =>
        workloadKinds.every((kind) =>
          view.workloads().some((w) => w.kind === kind.kind && w.metadata.name === "late"),
        ),
      );
      expect(errors).toEqual([]);
    } finally {
      stop.abort();
    }
  });

  it("GETs a workload's ServiceAccount in another namespace", async () => {
    await applyManifests([
      {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: "app", namespace: workload },
        imagePullSecrets: [{ name: "pull" }],
      },
    ]);
    const sa = (await kube().getServiceAccount(workload, "app")) as { imagePullSecrets?: unknown };
    expect(sa.imagePullSecrets).toEqual([{ name: "pull" }]);
    expect(await kube().getServiceAccount(workload, "absent")).toBeUndefined();
  });

  it("server-side applies a tag ConfigMap in headwind (create and update), lists, gets and deletes it", async () => {
    const repository = `registry.example/${randomName("repo")}`;
    const desired = (tags: string[]) => buildTagConfigMap({ repository, tags, digests: {} }, hw);
    const { name } = desired([]).metadata;
    const created = await kube().applyConfigMap(desired(["1.0.0"]), sidecarFieldManager);
    expect(created.data?.tags).toBe("1.0.0");
    const updated = (await kube().applyConfigMap(desired(["1.0.0", "1.1.0"]), sidecarFieldManager)) as {
      data?: Record<string, string>;
      metadata: { resourceVersion?: string; managedFields?: { manager?: string; operation?: string }[] };
    };
    expect(updated.data?.tags).toBe("1.0.0\n1.1.0");
    expect(updated.metadata.managedFields?.map((f) => [f.manager, f.operation])).toEqual([
      [sidecarFieldManager, "Apply"],
    ]);
    const listed = await listAllPages((page) => kube().listConfigMaps(hw, tagsLabel, page));
    expect(listed.map((i) => i.metadata.name)).toContain(name);
    expect((await kube().getConfigMap(hw, name))?.data?.repository).toBe(repository);
    await kube().deleteConfigMap(hw, name, updated.metadata.resourceVersion ?? "");
    expect(await kube().getConfigMap(hw, name)).toBeUndefined();
  });

  it("GETs a registry Secret in headwind", async () => {
    const name = randomName("registry-creds");
    await applyManifests([
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name, namespace: hw },
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": '{"auths":{}}' },
      },
    ]);
    try {
      expect((await kube().getSecret(hw, name))?.type).toBe("kubernetes.io/dockerconfigjson");
    } finally {
      await kubeRequest(kc, "DELETE", `/api/v1/namespaces/${hw}/secrets/${name}`);
    }
  });

  it("creates, gets and updates its coordination.k8s.io Lease in headwind (the leader election)", async () => {
    // A Lease of its own, so a real sidecar's Lease (or another test's) is never disturbed.
    const name = randomName("headwind-sidecar-lp");
    let now = Date.now();
    const elector = (identity: string) =>
      createLeaseElector({ kube: kube(), namespace: hw, name, identity, clock: () => now });
    const a = elector("pod-a");
    const b = elector("pod-b");
    try {
      expect(await a.tryAcquireOrRenew()).toBe(true); // GET (404), then create
      expect(await b.tryAcquireOrRenew()).toBe(false); // GET: held by pod-a
      now += 1000;
      expect(await a.tryAcquireOrRenew()).toBe(true); // GET, then PUT (renew)
      await a.release(); // PUT: hand it over
      expect(await b.tryAcquireOrRenew()).toBe(true); // GET, then PUT (take over)
      const lease = (await kube().getLease(hw, name)) as LeaseObject;
      expect(lease.spec).toMatchObject({ holderIdentity: "pod-b", leaseTransitions: 1 });
      expect(await statusOf(kubeRequest(asComponent("sidecar"), "DELETE", `${leasesPath}/${name}`))).toBe(
        403,
      );
    } finally {
      expect(await statusOf(kubeRequest(kc, "DELETE", `${leasesPath}/${name}`))).toBe(200);
    }
  });

  it("is refused everything else it might be tempted to do (real calls: 403)", async () => {
    const sidecar = asComponent("sidecar");
    expect(await statusOf(kubeRequest(sidecar, "GET", "/api/v1/secrets"))).toBe(403);
    expect(await statusOf(kubeRequest(sidecar, "GET", `/api/v1/namespaces/${hw}/secrets`))).toBe(403);
    expect(await statusOf(kubeRequest(sidecar, "GET", `/api/v1/namespaces/${workload}/secrets/pull`))).toBe(
      403,
    );
    expect(await statusOf(kubeRequest(sidecar, "GET", `/api/v1/pods?watch=true&timeoutSeconds=1`))).toBe(403);
    expect(
      await statusOf(
        kubeRequest(
          sidecar,
          "PATCH",
          `/api/v1/namespaces/${workload}/configmaps/x?fieldManager=headwind-sidecar`,
          { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } },
          "application/apply-patch+yaml",
        ),
      ),
    ).toBe(403);
  });
});

describe("exactly these permissions (SubjectAccessReview)", () => {
  // Built lazily: the workload namespace name is random and only known after beforeAll.
  const rows = () => accessTable(workload);
  it("each token authenticates as exactly the user and groups the reviews are asked for", async () => {
    for (const component of ["hooks", "sidecar"] as const) {
      const review = (await kubeRequest(
        asComponent(component),
        "POST",
        "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
      )) as { status: { userInfo: { username: string; groups: string[] } } };
      const { user, groups } = serviceAccountIdentity(serviceAccounts[component]);
      expect(review.status.userInfo.username).toBe(user);
      expect([...review.status.userInfo.groups].sort()).toEqual([...groups].sort());
    }
  });

  it("covers the must-never list for both identities", () => {
    expect(rows().length).toBeGreaterThan(200);
    expect(new Set(rows().map((r) => `${r.as} ${describeAccess(r.access)}`)).size).toBe(rows().length);
    expect(rows().filter((r) => !r.allowed).length).toBeGreaterThan(rows().filter((r) => r.allowed).length);
  });

  for (const component of ["hooks", "sidecar"] as const) {
    it(`${component}: every row of the table is answered as expected`, async () => {
      const table = rows().filter((r) => r.as === component);
      const answers = await Promise.all(
        table.map(async (r) => ({
          row: `${r.allowed ? "allow" : "deny "} ${describeAccess(r.access)}`,
          allowed: (await subjectAccessReview(kc, serviceAccounts[component], r.access)).allowed,
          expected: r.allowed,
        })),
      );
      const wrong = answers.filter((a) => a.allowed !== a.expected).map((a) => a.row);
      expect(wrong).toEqual([]);
      expect(answers.length).toBe(table.length);
    });
  }
});

describe("no rule beyond the expected set (SelfSubjectRulesReview with each token)", () => {
  let baseline: RuleSet & { roles: string[] };
  beforeAll(async () => {
    baseline = await authenticatedBaseline(kc);
  });

  it("the baseline is what every authenticated ServiceAccount gets, no more", async () => {
    expect(baseline.roles).toEqual(
      expect.arrayContaining(["system:basic-user", "system:discovery", "system:public-info-viewer"]),
    );
    // A ServiceAccount with no binding of its own sees exactly the baseline.
    const ns = await createTestNamespace(kc, "hw-lp-nobody");
    const nobody = configForToken(kc, await serviceAccountToken(kc, ns, "nobody"));
    for (const namespace of [ns, hw]) {
      const rules = await selfSubjectRules(nobody, namespace);
      expect(minus(rules.resource, baseline.resource)).toEqual([]);
      expect(minus(baseline.resource, rules.resource)).toEqual([]);
      expect(minus(rules.nonResource, baseline.nonResource)).toEqual([]);
    }
  });

  for (const component of ["hooks", "sidecar"] as const) {
    it(`${component}: in headwind and in a workload namespace, exactly the expected rules`, async () => {
      for (const namespace of [hw, workload]) {
        const rules = await selfSubjectRules(asComponent(component), namespace);
        expect({ namespace, extra: minus(rules.resource, baseline.resource) }).toEqual({
          namespace,
          extra: expectedRules(component, namespace),
        });
        expect({ namespace, nonResource: minus(rules.nonResource, baseline.nonResource) }).toEqual({
          namespace,
          nonResource: [],
        });
      }
    });
  }
});

describe("components/pull-secrets", () => {
  beforeAll(async () => {
    // The operator's way: a kustomization naming the target namespace, using the component.
    const dir = await mkdtemp(join(tmpdir(), "headwind-pull-secrets-"));
    try {
      await writeFile(
        join(dir, "kustomization.yaml"),
        [
          "apiVersion: kustomize.config.k8s.io/v1beta1",
          "kind: Kustomization",
          `namespace: ${pulled}`,
          "components:",
          // kustomize refuses absolute paths here.
          `  - ${relative(dir, pullSecretsComponent)}`,
          "",
        ].join("\n"),
      );
      const objects = await kustomize(dir);
      expect(objects).toHaveLength(1);
      expect(objects[0]).toMatchObject({
        kind: "RoleBinding",
        metadata: { name: "headwind-sidecar-pull-secrets", namespace: pulled },
        roleRef: { kind: "ClusterRole", name: "headwind-sidecar-pull-secrets" },
        // kustomize's namespace must not move the subject out of headwind.
        subjects: [{ kind: "ServiceAccount", name: "headwind-sidecar", namespace: hw }],
      });
      await applyObjects(kc, objects);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await applyManifests([
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "pull", namespace: pulled },
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": '{"auths":{}}' },
      },
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "pull", namespace: workload },
        type: "kubernetes.io/dockerconfigjson",
        stringData: { ".dockerconfigjson": '{"auths":{}}' },
      },
    ]);
    await waitFor("the pull-secrets RoleBinding to take effect", async () => {
      await kubeRequest(asComponent("sidecar"), "GET", `/api/v1/namespaces/${pulled}/secrets/pull`);
      return true;
    });
  });

  it("lets the sidecar GET a Secret there, and nothing more", async () => {
    const sidecar = asComponent("sidecar");
    expect((await kube().getSecret(pulled, "pull"))?.type).toBe("kubernetes.io/dockerconfigjson");
    expect(
      kubeStatus(
        await kube()
          .getSecret(workload, "pull")
          .catch((e: unknown) => e),
      ),
    ).toBe(403);
    expect(await statusOf(kubeRequest(sidecar, "GET", `/api/v1/namespaces/${pulled}/secrets`))).toBe(403);
    expect(await statusOf(kubeRequest(sidecar, "GET", "/api/v1/secrets"))).toBe(403);
    // The hooks never read pull secrets, bound namespace or not.
    expect(
      await statusOf(kubeRequest(asComponent("hooks"), "GET", `/api/v1/namespaces/${pulled}/secrets/pull`)),
    ).toBe(403);
  });

  it("adds exactly `get secrets` to the sidecar's rules in that namespace only", async () => {
    const baseline = await authenticatedBaseline(kc);
    const there = await selfSubjectRules(asComponent("sidecar"), pulled);
    expect(minus(there.resource, baseline.resource)).toEqual(expectedRules("sidecar", pulled, true));
    const elsewhere = await selfSubjectRules(asComponent("sidecar"), workload);
    expect(minus(elsewhere.resource, baseline.resource)).toEqual(expectedRules("sidecar", workload));
    for (const [namespace, allowed] of [
      [pulled, true],
      [workload, false],
      ["", false],
    ] as const) {
      const verdict = await subjectAccessReview(kc, serviceAccounts.sidecar, {
        verb: "get",
        group: "",
        resource: "secrets",
        namespace,
        name: "pull",
      });
      expect({ namespace, allowed: verdict.allowed }).toEqual({ namespace, allowed });
    }
    for (const verb of ["list", "watch", "create", "update", "patch", "delete"]) {
      const verdict = await subjectAccessReview(kc, serviceAccounts.sidecar, {
        verb,
        group: "",
        resource: "secrets",
        namespace: pulled,
      });
      expect({ verb, allowed: verdict.allowed }).toEqual({ verb, allowed: false });
    }
  });
});
