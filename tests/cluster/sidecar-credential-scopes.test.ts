// Credentials never cross namespaces (issue 8 §5), on the real apiserver and a real docker-registry
// with htpasswd auth: three namespaces run the same private image — one with the right pull
// secret, one with a wrong one, one with none. Only the first may ever see the repository's tags,
// through polling and through webhooks alike, and the wrong secret costs its own namespace only.
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/core/kube-object.ts";
import { type ObservedTags, parseTagConfigMap, tagConfigMapName } from "../../src/core/tags/tag-configmap.ts";
import { visibleTags } from "../../src/core/tags/visible-tags.ts";
import { customizeWorkload } from "../../src/hooks-server/workloads/customize-workloads.ts";
import type { ConfigMapObject } from "../../src/sidecar/runtime/sidecar-kube.ts";
import type { WebhookSource } from "../../src/sidecar/webhooks/webhook-source.ts";
import {
  adminConfig,
  applyObjects,
  createTestNamespace,
  kubeRequest,
  statusCode,
} from "../helpers/cluster.ts";
import { type LoopbackServer, listenOnLoopback } from "../helpers/registry-listen.ts";
import { pushImage } from "../helpers/registry-push.ts";
import {
  htpasswdBasic,
  htpasswdPassword,
  htpasswdUser,
  type RegistryServer,
  startRegistry,
} from "../helpers/registry-server.ts";
import {
  bindPullSecrets,
  createTestSidecar,
  headwindNamespace as hw,
  installSidecarRbac,
} from "../helpers/sidecar-cluster.ts";

const basic = htpasswdBasic;
const token = "scope-test-token-41d9";
const path = "team/private";

let admin: KubeConfig;
let registry: RegistryServer;
let server: LoopbackServer;
let sidecar: ReturnType<typeof createTestSidecar>;
const ns = { owner: "", wrong: "", none: "" };
const time = { now: Date.parse("2026-01-01T00:00:00Z") };
const workloads: Record<keyof typeof ns, KubeObject | undefined> = {
  owner: undefined,
  wrong: undefined,
  none: undefined,
};

const repository = () => `${registry.host}/${path}`;

function pullSecret(namespace: string, password: string): KubernetesObject {
  const auth = Buffer.from(`${htpasswdUser}:${password}`).toString("base64");
  const dockerconfig = { auths: { [registry.host]: { auth } } };
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "regcred", namespace },
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": Buffer.from(JSON.stringify(dockerconfig)).toString("base64") },
  } as KubernetesObject;
}

function deployment(namespace: string, withSecret: boolean): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "app", namespace, annotations: { "headwind.sh/policy": "minor" } },
    spec: {
      selector: { matchLabels: { app: "app" } },
      template: {
        metadata: { labels: { app: "app" } },
        spec: {
          containers: [{ name: "app", image: `${registry.host}/${path}:1.0.0` }],
          ...(withSecret ? { imagePullSecrets: [{ name: "regcred" }] } : {}),
        },
      },
    },
  };
}

async function readConfigMap(name: string): Promise<ConfigMapObject | undefined> {
  try {
    return (await kubeRequest(
      admin,
      "GET",
      `/api/v1/namespaces/${hw}/configmaps/${name}`,
    )) as ConfigMapObject;
  } catch (error) {
    if (statusCode(error) === 404) return undefined;
    throw error;
  }
}

/** What the workloads hook would let this workload see: its customize answer's ConfigMaps, judged by visibleTags. */
async function seenBy(workload: KubeObject | undefined): Promise<ObservedTags | undefined> {
  if (workload === undefined) throw new Error("workload not created");
  const [related] = customizeWorkload(workload, { namespace: hw } as never).relatedResources;
  const observations: ObservedTags[] = [];
  for (const name of related?.names ?? []) {
    const live = await readConfigMap(name);
    const parsed = live === undefined ? undefined : parseTagConfigMap(live);
    if (parsed?.ok) observations.push(parsed.value);
  }
  return visibleTags(observations, workload.metadata.namespace ?? "", (o) => o).get(repository());
}

beforeAll(async () => {
  admin = adminConfig();
  const config = await installSidecarRbac(admin);
  registry = await startRegistry({ auth: { kind: "htpasswd" } });
  await pushImage(registry.origin, path, ["1.0.0", "1.1.0"], { authorization: basic });
  ns.owner = await createTestNamespace(admin, "hw-sc-owner");
  ns.wrong = await createTestNamespace(admin, "hw-sc-wrong");
  ns.none = await createTestNamespace(admin, "hw-sc-none");
  await applyObjects(admin, [
    pullSecret(ns.owner, htpasswdPassword),
    pullSecret(ns.wrong, "not-the-password"),
  ]);
  await bindPullSecrets(admin, config, ns.owner, "regcred");
  await bindPullSecrets(admin, config, ns.wrong, "regcred");
  workloads.owner = deployment(ns.owner, true);
  workloads.wrong = deployment(ns.wrong, true);
  workloads.none = deployment(ns.none, false);
  await applyObjects(admin, [workloads.owner, workloads.wrong, workloads.none] as KubernetesObject[]);
  const source: WebhookSource = {
    name: "registry",
    vendor: "distribution",
    path: "distribution",
    registry: registry.host,
    auth: { type: "header-token", header: "x-scope-token", secret: token },
  };
  sidecar = createTestSidecar({
    config,
    identity: "scope-test",
    leaseName: "scope-test",
    sources: [source],
    clock: () => time.now,
  });
  server = await listenOnLoopback(sidecar.app.fetch);
  expect(await sidecar.elector.tryAcquireOrRenew()).toBe(true);
});

afterAll(async () => {
  sidecar?.stop();
  await sidecar?.elector.release();
  await server?.close();
  await registry?.stop();
});

describe("credentials never cross namespaces", () => {
  it("polls the private repository with each namespace's own secret; only the owner's read is stored, in its own scope", async () => {
    await sidecar.refreshInterest();
    sidecar.registryCalls.reset();
    const report = await sidecar.runtime.pollOnce();
    const failures = (report?.failed ?? [])
      .filter((f) => f.repository === repository())
      .map((f) => `${f.namespace ?? "shared"} ${f.kind}`)
      .sort();
    // The wrong secret fails for its namespace; the namespace without one is read anonymously and refused.
    expect(failures).toEqual([`${ns.wrong} unauthorized`, "shared unauthorized"].sort());
    const owned = await readConfigMap(tagConfigMapName(repository(), ns.owner));
    expect(owned?.data?.tags).toBe("1.0.0\n1.1.0");
    expect(owned?.data?.namespace).toBe(ns.owner);
    expect(owned?.metadata.labels?.["headwind.sh/namespace"]).toBe(ns.owner);
    // The failing scopes' ConfigMaps hold no tag, only why their poll failed.
    for (const name of [tagConfigMapName(repository(), ns.wrong), tagConfigMapName(repository())]) {
      const failed = await readConfigMap(name);
      expect(failed?.data?.tags ?? "").toBe("");
      expect(failed?.metadata.annotations?.["headwind.sh/poll-error"]).toMatch(/^unauthorized: /);
    }
    console.info(
      `sidecar-credential-scopes: poll requests ${sidecar.registryCalls.exchanges
        .filter((e) => e.origin === registry.origin)
        .map((e) => `${e.method} ${e.path.split("?")[0]} ${e.status}`)
        .join(", ")}`,
    );
  });

  it("each workload sees only what its own namespace's secret can read", async () => {
    expect((await seenBy(workloads.owner))?.tags).toEqual(["1.0.0", "1.1.0"]);
    expect((await seenBy(workloads.wrong))?.tags ?? []).toEqual([]);
    expect((await seenBy(workloads.none))?.tags ?? []).toEqual([]);
  });

  it("a webhook for the repository is confirmed per scope: recorded for the owner only", async () => {
    await pushImage(registry.origin, path, ["1.2.0"], { authorization: basic, seed: "second" });
    const envelope = {
      events: [
        {
          id: "scope-1",
          action: "push",
          target: { mediaType: "application/vnd.oci.image.manifest.v1+json", repository: path, tag: "1.2.0" },
          request: { host: registry.host },
        },
      ],
    };
    const res = await fetch(`${server.origin}/webhooks/distribution`, {
      method: "POST",
      body: JSON.stringify(envelope),
      headers: { "content-type": "application/json", "x-scope-token": token },
    });
    expect(res.status).toBe(202);
    await sidecar.runtime.hintsIdle();
    expect((await seenBy(workloads.owner))?.tags).toEqual(["1.0.0", "1.1.0", "1.2.0"]);
    expect((await seenBy(workloads.wrong))?.tags ?? []).toEqual([]);
    expect((await seenBy(workloads.none))?.tags ?? []).toEqual([]);
    expect(await sidecar.register.metrics()).toMatch(
      /headwind_sidecar_ignored_events_total\{reason="unconfirmed"\} [2-9]/,
    );
  });

  it("the wrong secret fixed: that namespace gets its own scope, the owner's stays its own", async () => {
    await applyObjects(admin, [pullSecret(ns.wrong, htpasswdPassword)]);
    await sidecar.refreshInterest();
    time.now += 300_000;
    const report = await sidecar.runtime.pollOnce();
    expect(
      report?.failed.filter((f) => f.repository === repository()).map((f) => f.namespace ?? "shared"),
    ).toEqual(["shared"]);
    expect((await seenBy(workloads.wrong))?.tags).toEqual(["1.0.0", "1.1.0", "1.2.0"]);
    expect((await readConfigMap(tagConfigMapName(repository(), ns.wrong)))?.data?.namespace).toBe(ns.wrong);
    expect((await readConfigMap(tagConfigMapName(repository(), ns.owner)))?.data?.namespace).toBe(ns.owner);
    expect((await seenBy(workloads.none))?.tags ?? []).toEqual([]);
  });
});
