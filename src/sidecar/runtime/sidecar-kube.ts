/**
 * Every Kubernetes API call the registry sidecar makes, behind one small interface so its logic
 * never sees a client library and tests can hand in an honest in-memory fake. The calls are exactly
 * what manifests/rbac-sidecar.yaml grants: LIST and WATCH workloads, GET ServiceAccounts and Secrets, and in
 * the headwind namespace ConfigMaps (list/get/apply/delete) and the Lease (get/create/update).
 */
import { sourceApiVersion } from "../../core/charts/helm-release.ts";
import type { KubeObject } from "../../core/kube-object.ts";
import type { TagConfigMap } from "../../core/tags/tag-configmap.ts";
import type { TargetKind } from "../../core/workloads/workload-kinds.ts";
import { groupBase, resourcePath } from "../../kube/api-paths.ts";
import type { KubeTransport } from "../../kube/create-kube-transport.ts";
import type { KubeWatch } from "../../kube/create-kube-watch.ts";
import { getOrUndefined } from "../../kube/get-or-undefined.ts";
import { type Page, type PageRequest, pageOf, pageQuery } from "../../kube/list-pages.ts";

export interface ConfigMapObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  data?: Record<string, string>;
}

export interface SecretObject {
  metadata: { name: string; namespace?: string };
  type?: string;
  data?: Record<string, string>;
}

export interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number;
}

export interface LeaseObject {
  apiVersion: "coordination.k8s.io/v1";
  kind: "Lease";
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: LeaseSpec;
}

/** A ConfigMap to apply; a `resourceVersion` makes the apply conditional (409 when it moved). */
export type AppliedConfigMap = TagConfigMap & {
  metadata: TagConfigMap["metadata"] & { resourceVersion?: string };
};

export interface SidecarKube {
  /** One page of a cluster-wide LIST of one workload kind (or HelmReleases); items carry apiVersion and kind. */
  listWorkloads(kind: TargetKind, page: PageRequest): Promise<Page<KubeObject>>;
  /** A cluster-wide watch of one workload kind (the path of its cluster-wide LIST). */
  readonly watch: KubeWatch;
  /** A Flux source (HelmRepository, OCIRepository) by name; undefined when it does not exist. */
  getFluxSource(kind: FluxSourceKind, namespace: string, name: string): Promise<KubeObject | undefined>;
  /** Undefined when it does not exist. */
  getServiceAccount(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** Undefined when it does not exist. */
  getSecret(namespace: string, name: string): Promise<SecretObject | undefined>;
  listConfigMaps(namespace: string, labelSelector: string, page: PageRequest): Promise<Page<ConfigMapObject>>;
  /** Undefined when it does not exist. */
  getConfigMap(namespace: string, name: string): Promise<ConfigMapObject | undefined>;
  /** Server-side apply, forced, as `fieldManager`. */
  applyConfigMap(configMap: AppliedConfigMap, fieldManager: string): Promise<ConfigMapObject>;
  /** Deletes only the version given (409 when it changed meanwhile). */
  deleteConfigMap(namespace: string, name: string, resourceVersion: string): Promise<void>;
  /** Undefined when it does not exist. */
  getLease(namespace: string, name: string): Promise<LeaseObject | undefined>;
  createLease(lease: LeaseObject): Promise<LeaseObject>;
  /** A PUT carrying `metadata.resourceVersion`: 409 when another replica wrote first. */
  updateLease(lease: LeaseObject): Promise<LeaseObject>;
}

export const fluxSourceKinds = {
  HelmRepository: "helmrepositories",
  OCIRepository: "ocirepositories",
} as const;
export type FluxSourceKind = keyof typeof fluxSourceKinds;

const applyPatch = "application/apply-patch+yaml";
const enc = encodeURIComponent;

export function createSidecarKube(transport: KubeTransport, watch: KubeWatch): SidecarKube {
  const configMaps = (namespace: string) => `/api/v1/namespaces/${enc(namespace)}/configmaps`;
  const leases = (namespace: string) => `/apis/coordination.k8s.io/v1/namespaces/${enc(namespace)}/leases`;
  return {
    watch,
    async listWorkloads(kind, page) {
      const body = await transport({
        method: "GET",
        path: `${groupBase(kind.apiVersion)}/${kind.resource}?${pageQuery(page)}`,
      });
      // List items come without apiVersion and kind; the readers downstream need both.
      return pageOf<KubeObject>(body, (item) => ({ ...item, apiVersion: kind.apiVersion, kind: kind.kind }));
    },
    getFluxSource(kind, namespace, name) {
      const ref = { apiVersion: sourceApiVersion, resource: fluxSourceKinds[kind], namespace };
      return getOrUndefined(transport, resourcePath(ref, name));
    },
    getServiceAccount(namespace, name) {
      return getOrUndefined(transport, `/api/v1/namespaces/${enc(namespace)}/serviceaccounts/${enc(name)}`);
    },
    getSecret(namespace, name) {
      return getOrUndefined(transport, `/api/v1/namespaces/${enc(namespace)}/secrets/${enc(name)}`);
    },
    async listConfigMaps(namespace, labelSelector, page) {
      const body = await transport({
        method: "GET",
        path: `${configMaps(namespace)}?${pageQuery(page, { labelSelector })}`,
      });
      return pageOf<ConfigMapObject>(body);
    },
    getConfigMap(namespace, name) {
      return getOrUndefined(transport, `${configMaps(namespace)}/${enc(name)}`);
    },
    async applyConfigMap(configMap, fieldManager) {
      const { name, namespace } = configMap.metadata;
      const query = new URLSearchParams({ fieldManager, force: "true" });
      return (await transport({
        method: "PATCH",
        path: `${configMaps(namespace)}/${enc(name)}?${query}`,
        body: configMap,
        contentType: applyPatch,
      })) as ConfigMapObject;
    },
    async deleteConfigMap(namespace, name, resourceVersion) {
      await transport({
        method: "DELETE",
        path: `${configMaps(namespace)}/${enc(name)}`,
        body: { apiVersion: "v1", kind: "DeleteOptions", preconditions: { resourceVersion } },
      });
    },
    getLease(namespace, name) {
      return getOrUndefined(transport, `${leases(namespace)}/${enc(name)}`);
    },
    async createLease(lease) {
      return (await transport({
        method: "POST",
        path: leases(lease.metadata.namespace),
        body: lease,
      })) as LeaseObject;
    },
    async updateLease(lease) {
      const { namespace, name } = lease.metadata;
      return (await transport({
        method: "PUT",
        path: `${leases(namespace)}/${enc(name)}`,
        body: lease,
      })) as LeaseObject;
    },
  };
}
