/**
 * An honest in-memory SidecarKube: resourceVersions move on every write, conditional writes answer
 * 409 like the API server, missing objects 404, pages honour `limit`; every call is recorded so a
 * test can count what a cycle costs.
 */
import type { KubeObject } from "../../../../src/core/kube-object.ts";
import { KubeApiError } from "../../../../src/kube/kube-api-error.ts";
import type { Page, PageRequest } from "../../../../src/kube/list-pages.ts";
import type {
  ConfigMapObject,
  LeaseObject,
  SecretObject,
  SidecarKube,
} from "../../../../src/sidecar/runtime/sidecar-kube.ts";

export interface FakeKubeState {
  workloads: KubeObject[];
  serviceAccounts: Map<string, KubeObject>;
  secrets: Map<string, SecretObject>;
  configMaps: Map<string, ConfigMapObject>;
  leases: Map<string, LeaseObject>;
  /** `Kind/namespace/name` → a Flux HelmRepository or OCIRepository. */
  fluxSources: Map<string, KubeObject>;
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;
const clone = <T>(value: T): T => structuredClone(value);

function page<T>(items: T[], request: PageRequest): Page<T> {
  const start = request.continueToken === undefined ? 0 : Number(request.continueToken);
  const end = start + request.limit;
  return {
    items: items.slice(start, end).map(clone),
    continueToken: end < items.length ? String(end) : undefined,
  };
}

export function fakeSidecarKube(initial: Partial<FakeKubeState> = {}) {
  const state: FakeKubeState = {
    workloads: [],
    serviceAccounts: new Map(),
    secrets: new Map(),
    configMaps: new Map(),
    leases: new Map(),
    fluxSources: new Map(),
    ...initial,
  };
  const calls: string[] = [];
  let version = 100;
  const next = () => String(++version);
  const failures = new Map<string, KubeApiError>();
  const check = (call: string) => {
    calls.push(call);
    const failure = failures.get(call.split(" ")[0] ?? "");
    if (failure !== undefined) throw failure;
  };
  const notFound = (what: string) => new KubeApiError(404, `${what} not found`, "NotFound");
  const conflict = (what: string) => new KubeApiError(409, `${what} was modified`, "Conflict");

  const kube: SidecarKube = {
    // Nothing happens to the workloads behind a test's back: the stream stays open until aborted.
    watch: (request) =>
      new Promise<void>((resolve) => {
        calls.push(`watch ${request.path}`);
        request.signal?.addEventListener("abort", () => resolve(), { once: true });
      }),
    async listWorkloads(kind, request) {
      check(`listWorkloads ${kind.kind}`);
      return page(
        state.workloads.filter((w) => w.kind === kind.kind),
        request,
      );
    },
    async getFluxSource(kind, namespace, name) {
      check(`getFluxSource ${kind}/${key(namespace, name)}`);
      return clone(state.fluxSources.get(`${kind}/${key(namespace, name)}`));
    },
    async getServiceAccount(namespace, name) {
      check(`getServiceAccount ${key(namespace, name)}`);
      return clone(state.serviceAccounts.get(key(namespace, name)));
    },
    async getSecret(namespace, name) {
      check(`getSecret ${key(namespace, name)}`);
      return clone(state.secrets.get(key(namespace, name)));
    },
    async listConfigMaps(namespace, labelSelector, request) {
      check(`listConfigMaps ${namespace}`);
      const items = [...state.configMaps.values()].filter(
        (cm) => cm.metadata.namespace === namespace && cm.metadata.labels?.[labelSelector] !== undefined,
      );
      return page(items, request);
    },
    async getConfigMap(namespace, name) {
      check(`getConfigMap ${key(namespace, name)}`);
      return clone(state.configMaps.get(key(namespace, name)));
    },
    async applyConfigMap(configMap, fieldManager) {
      const { namespace, name, resourceVersion } = configMap.metadata;
      check(`applyConfigMap ${key(namespace, name)} ${fieldManager}`);
      const live = state.configMaps.get(key(namespace, name));
      if (resourceVersion !== undefined && live?.metadata.resourceVersion !== resourceVersion)
        throw conflict(name);
      const { resourceVersion: _dropped, ...metadata } = configMap.metadata;
      const stored: ConfigMapObject = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { ...clone(metadata), resourceVersion: next() },
        data: { ...configMap.data },
      };
      state.configMaps.set(key(namespace, name), stored);
      return clone(stored);
    },
    async deleteConfigMap(namespace, name, resourceVersion) {
      check(`deleteConfigMap ${key(namespace, name)}`);
      const live = state.configMaps.get(key(namespace, name));
      if (live === undefined) throw notFound(name);
      if (live.metadata.resourceVersion !== resourceVersion) throw conflict(name);
      state.configMaps.delete(key(namespace, name));
    },
    async getLease(namespace, name) {
      check(`getLease ${key(namespace, name)}`);
      return clone(state.leases.get(key(namespace, name)));
    },
    async createLease(lease) {
      const { namespace, name } = lease.metadata;
      check(`createLease ${key(namespace, name)}`);
      if (state.leases.has(key(namespace, name))) throw new KubeApiError(409, "exists", "AlreadyExists");
      const stored = { ...clone(lease), metadata: { ...lease.metadata, resourceVersion: next() } };
      state.leases.set(key(namespace, name), stored);
      return clone(stored);
    },
    async updateLease(lease) {
      const { namespace, name, resourceVersion } = lease.metadata;
      check(`updateLease ${key(namespace, name)}`);
      const live = state.leases.get(key(namespace, name));
      if (live === undefined) throw notFound(name);
      if (live.metadata.resourceVersion !== resourceVersion) throw conflict(name);
      const stored = { ...clone(lease), metadata: { ...lease.metadata, resourceVersion: next() } };
      state.leases.set(key(namespace, name), stored);
      return clone(stored);
    },
  };

  return {
    kube,
    state,
    calls,
    /** Makes every call of this method (e.g. `getLease`) fail with `error` until cleared. */
    fail(method: string, error: KubeApiError | undefined) {
      if (error === undefined) failures.delete(method);
      else failures.set(method, error);
    },
  };
}
