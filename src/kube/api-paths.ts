/** URL paths of the Kubernetes API, built in one place. */

/** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise. */
export function groupBase(apiVersion: string): string {
  return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export interface ResourceRef {
  readonly apiVersion: string;
  /** Plural resource name, e.g. `deployments`. */
  readonly resource: string;
  /** Omitted for cluster-scoped resources and cluster-wide LISTs. */
  readonly namespace?: string | undefined;
}

/** The collection path; with a name, the object's path (and with a subresource, its path). */
export function resourcePath(ref: ResourceRef, name?: string, subresource?: string): string {
  const enc = encodeURIComponent;
  const ns = ref.namespace === undefined ? "" : `/namespaces/${enc(ref.namespace)}`;
  const object = name === undefined ? "" : `/${enc(name)}${subresource ? `/${subresource}` : ""}`;
  return `${groupBase(ref.apiVersion)}${ns}/${ref.resource}${object}`;
}
