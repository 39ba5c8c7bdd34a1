// Helpers for the cluster tier: tests run inside scripts/cluster.sh, which exports KUBECONFIG (admin
// token, TLS verified) for a real kube-apiserver + etcd. No controller-manager runs: namespaces never
// finish deleting and no `default` ServiceAccount appears, so every test makes its own of both.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { KubeConfig, type KubernetesObject, PatchStrategy } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { configForToken } from "../../src/kube/config-for-token.ts";
import {
  createKubeTransport,
  type KubeRequest,
  type KubeTransport,
} from "../../src/kube/create-kube-transport.ts";
import { kubeStatus } from "../../src/kube/kube-api-error.ts";

export const FIELD_MANAGER = "headwind-tests";

/** Throws (so the test fails, never skips) unless the harness started a cluster for this process. */
export function adminConfig(): KubeConfig {
  if (process.env.HEADWIND_CLUSTER !== "1" || !process.env.KUBECONFIG) {
    throw new Error(
      "cluster tests need the real-cluster harness: run `npm run test:cluster` " +
        "(scripts/cluster.sh run -- npx vitest run --project cluster); KUBECONFIG/HEADWIND_CLUSTER=1 are not set",
    );
  }
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

/** HTTP status of a failed call, or undefined when it was not an API error. */
export const statusCode = kubeStatus;

export function randomName(prefix = "hw"): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

export async function createTestNamespace(kc: KubeConfig, prefix = "hw-test"): Promise<string> {
  const name = randomName(prefix);
  await kubeRequest(kc, "POST", "/api/v1/namespaces", { metadata: { name } });
  return name;
}

/** Parses a multi-document YAML file, dropping empty documents. */
export async function loadYamlObjects(path: string | URL): Promise<KubernetesObject[]> {
  const docs = parseAllDocuments(await readFile(path, "utf8"));
  const objects: KubernetesObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${String(path)}: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) objects.push(value as KubernetesObject);
  }
  return objects;
}

const transports = new WeakMap<KubeConfig, KubeTransport>();

/** The one transport (src/kube) per config, so a test's calls share its keep-alive connections. */
function transportOf(kc: KubeConfig): KubeTransport {
  let transport = transports.get(kc);
  if (transport === undefined) {
    transport = createKubeTransport(kc);
    transports.set(kc, transport);
  }
  return transport;
}

/**
 * One API call with the admin (or any) config, body sent as given: no client model in between.
 * A 429 is retried for up to 30 s: right after an apiserver restart, custom resources' storage
 * answers it while it initializes, and the tests speak for a client that waits as asked.
 */
export async function kubeRequest(
  kc: KubeConfig,
  method: string,
  path: string,
  body?: unknown,
  contentType = "application/json",
): Promise<unknown> {
  const request = { method: method as KubeRequest["method"], path, body, contentType };
  for (let attempt = 1; ; attempt++) {
    try {
      return await transportOf(kc)(request);
    } catch (error) {
      if (kubeStatus(error) !== 429 || attempt >= 60) throw error;
      await sleep(500);
    }
  }
}

type ApiResource = { name: string; kind: string; namespaced: boolean };

/**
 * The REST path of an object and the namespace it lands in (undefined when cluster-scoped), found by
 * discovery asked afresh, so CRDs applied just now are known.
 */
export async function locate(
  kc: KubeConfig,
  obj: KubernetesObject,
  namespace?: string,
): Promise<{ path: string; namespace: string | undefined }> {
  const { apiVersion, kind } = obj;
  const name = obj.metadata?.name;
  if (!apiVersion || !kind || !name) throw new Error("object needs apiVersion, kind and metadata.name");
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const list = (await kubeRequest(kc, "GET", base)) as { resources: ApiResource[] };
  const res = list.resources.find((r) => r.kind === kind && !r.name.includes("/"));
  if (!res) throw new Error(`${apiVersion} ${kind} is not served`);
  const ns = obj.metadata?.namespace ?? namespace;
  if (res.namespaced && !ns) throw new Error(`${kind} ${name} needs a namespace`);
  if (!res.namespaced)
    return { path: `${base}/${res.name}/${encodeURIComponent(name)}`, namespace: undefined };
  return { path: `${base}/namespaces/${ns}/${res.name}/${encodeURIComponent(name)}`, namespace: ns };
}

/**
 * Server-side applies the objects in order, exactly as written (force: the tests own their fixtures).
 * `namespace` fills in namespaced objects that name none. Raw requests, because the client's typed
 * models drop wire names they do not map (e.g. `x-kubernetes-preserve-unknown-fields` inside CRDs).
 */
export async function applyObjects(
  kc: KubeConfig,
  objects: readonly KubernetesObject[],
  opts: { namespace?: string; fieldManager?: string; force?: boolean } = {},
): Promise<KubernetesObject[]> {
  const applied: KubernetesObject[] = [];
  const query = new URLSearchParams({
    fieldManager: opts.fieldManager ?? FIELD_MANAGER,
    force: String(opts.force ?? true),
  });
  for (const obj of objects) {
    const { path, namespace } = await locate(kc, obj, opts.namespace);
    const body = { ...obj, metadata: { ...obj.metadata, ...(namespace ? { namespace } : {}) } };
    applied.push(
      (await kubeRequest(
        kc,
        "PATCH",
        `${path}?${query}`,
        body,
        PatchStrategy.ServerSideApply,
      )) as KubernetesObject,
    );
  }
  return applied;
}

/** GETs the live object named by apiVersion, kind, metadata.name (and namespace). */
export async function readObject<T extends KubernetesObject = KubernetesObject>(
  kc: KubeConfig,
  ref: KubernetesObject,
  namespace?: string,
): Promise<T> {
  return (await kubeRequest(kc, "GET", (await locate(kc, ref, namespace)).path)) as T;
}

export async function applyYamlFile(
  kc: KubeConfig,
  path: string | URL,
  opts: { namespace?: string; fieldManager?: string; force?: boolean } = {},
): Promise<KubernetesObject[]> {
  return applyObjects(kc, await loadYamlObjects(path), opts);
}

/** Polls `probe` until it returns something other than undefined/false; errors count as "not yet". */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const why = last instanceof Error ? `: last error ${last.message}` : "";
      throw new Error(`timed out after ${opts.timeoutMs ?? 30_000}ms waiting for ${what}${why}`);
    }
    await sleep(opts.intervalMs ?? 200);
  }
}

type Condition = { type?: string; status?: string };

/** Waits until every named CRD reports Established=True. */
export async function waitForCrdsEstablished(
  kc: KubeConfig,
  names: readonly string[],
  timeoutMs = 30_000,
): Promise<void> {
  for (const name of names) {
    await waitFor(
      `CRD ${name} Established`,
      async () => {
        const crd = (await kubeRequest(
          kc,
          "GET",
          `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
        )) as { status?: { conditions?: Condition[] } };
        return crd.status?.conditions?.some((c) => c.type === "Established" && c.status === "True");
      },
      { timeoutMs },
    );
  }
}

/** Applies CRD manifests and waits until the API serves them. Returns the CRD names. */
export async function installCrds(kc: KubeConfig, path: string | URL): Promise<string[]> {
  const applied = await applyYamlFile(kc, path);
  const names = applied
    .filter((o) => o.kind === "CustomResourceDefinition")
    .map((o) => o.metadata?.name ?? "");
  await waitForCrdsEstablished(kc, names);
  return names;
}

/** A short-lived token for the ServiceAccount (TokenRequest API), creating the SA when missing. */
export async function serviceAccountToken(
  kc: KubeConfig,
  namespace: string,
  name: string,
  expirationSeconds = 3600,
): Promise<string> {
  const accounts = `/api/v1/namespaces/${namespace}/serviceaccounts`;
  try {
    await kubeRequest(kc, "POST", accounts, { metadata: { name } });
  } catch (err) {
    if (statusCode(err) !== 409) throw err;
  }
  const res = (await kubeRequest(kc, "POST", `${accounts}/${name}/token`, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec: { audiences: [], expirationSeconds },
  })) as { status?: { token?: string } };
  const token = res.status?.token;
  if (!token) throw new Error(`TokenRequest for ${namespace}/${name} returned no token`);
  return token;
}

/** Same server and CA as `kc`, authenticated by `token` instead. */
export { configForToken };

/** A client config acting as the ServiceAccount, exactly as a Pod using it would. */
export async function serviceAccountConfig(
  kc: KubeConfig,
  namespace: string,
  name: string,
): Promise<KubeConfig> {
  return configForToken(
    kc,
    await serviceAccountToken(kc, namespace, name),
    `system:serviceaccount:${namespace}:${name}`,
  );
}
