/**
 * The few apiserver calls the Metacontroller driver makes, as raw REST through `kubeRequest` (no
 * typed client model in between, so objects reach the hooks byte-for-byte as stored), with a
 * discovery cache that is asked again on a miss (newly installed CRDs appear, like Metacontroller's
 * periodic discovery, §7).
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { kubeRequest, statusCode } from "./cluster.ts";
import { isObject, type JsonObject } from "./metacontroller-apply.ts";

export interface ResourceInfo {
  readonly apiVersion: string;
  readonly group: string;
  readonly kind: string;
  readonly resource: string;
  readonly namespaced: boolean;
  readonly hasStatus: boolean;
}

type ApiResource = { name: string; kind: string; namespaced: boolean };

export interface KubeApi {
  byResource(apiVersion: string, resource: string): Promise<ResourceInfo>;
  byKind(apiVersion: string, kind: string): Promise<ResourceInfo>;
  list(info: ResourceInfo, namespace?: string, labelSelector?: string): Promise<JsonObject[]>;
  get(info: ResourceInfo, object: JsonObject): Promise<JsonObject>;
  create(info: ResourceInfo, namespace: string | undefined, body: JsonObject): Promise<JsonObject>;
  replace(info: ResourceInfo, object: JsonObject, subresource?: "status"): Promise<JsonObject>;
  remove(info: ResourceInfo, object: JsonObject): Promise<void>;
}

export { statusCode };

function basePath(apiVersion: string): string {
  return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

function collectionPath(info: ResourceInfo, namespace: string | undefined): string {
  const base = basePath(info.apiVersion);
  return info.namespaced && namespace
    ? `${base}/namespaces/${namespace}/${info.resource}`
    : `${base}/${info.resource}`;
}

function objectPath(info: ResourceInfo, object: JsonObject): string {
  const meta = isObject(object.metadata) ? object.metadata : {};
  const namespace = typeof meta.namespace === "string" ? meta.namespace : undefined;
  return `${collectionPath(info, namespace)}/${encodeURIComponent(String(meta.name))}`;
}

export function createKubeApi(kc: KubeConfig): KubeApi {
  const groups = new Map<string, ResourceInfo[]>();

  async function discover(apiVersion: string, refresh: boolean): Promise<ResourceInfo[]> {
    const cached = groups.get(apiVersion);
    if (cached && !refresh) return cached;
    const list = (await kubeRequest(kc, "GET", basePath(apiVersion))) as { resources: ApiResource[] };
    const names = new Set(list.resources.map((r) => r.name));
    const group = apiVersion.includes("/") ? (apiVersion.split("/")[0] ?? "") : "";
    const infos = list.resources
      .filter((r) => !r.name.includes("/"))
      .map((r) => ({
        apiVersion,
        group,
        kind: r.kind,
        resource: r.name,
        namespaced: r.namespaced,
        hasStatus: names.has(`${r.name}/status`),
      }));
    groups.set(apiVersion, infos);
    return infos;
  }

  async function find(apiVersion: string, match: (info: ResourceInfo) => boolean, what: string) {
    for (const refresh of [false, true]) {
      const found = (await discover(apiVersion, refresh)).find(match);
      if (found) return found;
    }
    throw new Error(`can't find ${what} in apiVersion ${apiVersion}`);
  }

  return {
    byResource: (apiVersion, resource) =>
      find(apiVersion, (i) => i.resource === resource, `resource ${resource}`),
    byKind: (apiVersion, kind) => find(apiVersion, (i) => i.kind === kind, `kind ${kind}`),
    async list(info, namespace, labelSelector) {
      const query = labelSelector ? `?${new URLSearchParams({ labelSelector })}` : "";
      const body = (await kubeRequest(kc, "GET", `${collectionPath(info, namespace)}${query}`)) as {
        items?: JsonObject[];
      };
      // LIST items of built-in types carry no apiVersion/kind; informers' objects (what Metacontroller sends) do.
      return (body.items ?? []).map((item) => ({ apiVersion: info.apiVersion, kind: info.kind, ...item }));
    },
    async get(info, object) {
      return (await kubeRequest(kc, "GET", objectPath(info, object))) as JsonObject;
    },
    async create(info, namespace, body) {
      return (await kubeRequest(kc, "POST", collectionPath(info, namespace), body)) as JsonObject;
    },
    async replace(info, object, subresource) {
      const path = `${objectPath(info, object)}${subresource ? `/${subresource}` : ""}`;
      return (await kubeRequest(kc, "PUT", path, object)) as JsonObject;
    },
    async remove(info, object) {
      const meta = isObject(object.metadata) ? object.metadata : {};
      // Background propagation with a UID precondition, as Metacontroller deletes (§2.4, §4.1).
      await kubeRequest(kc, "DELETE", objectPath(info, object), {
        apiVersion: "v1",
        kind: "DeleteOptions",
        propagationPolicy: "Background",
        preconditions: { uid: meta.uid },
      });
    },
  };
}
