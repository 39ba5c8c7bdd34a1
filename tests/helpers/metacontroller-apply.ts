/**
 * Metacontroller's default "dynamic apply" of attachments (metacontroller.md §4.1), written
 * from its documented behaviour: a client-side three-way merge of observed, last-applied and
 * desired, with the last-applied state kept in an annotation. Pure.
 *
 * - objects: keys present in last-applied but missing from desired are removed; keys in desired
 *   are set, recursively; keys nobody mentioned stay;
 * - lists whose items are all objects sharing a conventional key (containerPort, port, mountPath,
 *   name, uid, ip, path: the first found wins) merge as maps; any other list is replaced;
 * - afterwards the ObjectMeta system fields and the whole `.status` are put back as observed
 *   (Metacontroller never writes an attachment's status).
 */

export const lastAppliedAnnotation = "metacontroller.k8s.io/last-applied-configuration";
export const decoratorAnnotation = "metacontroller.k8s.io/decorator-controller";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

const mergeKeys = ["containerPort", "port", "mountPath", "name", "uid", "ip", "path"] as const;
const systemFields = [
  "selfLink",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
] as const;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** JSON with object keys sorted, as Go's encoding/json writes maps: the same content, the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function listMapKey(...lists: readonly Json[][]): string | undefined {
  let common: Set<string> | undefined;
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) return undefined;
      const keys = Object.keys(item);
      common = common === undefined ? new Set(keys) : new Set(keys.filter((k) => common?.has(k)));
    }
  }
  return mergeKeys.find((key) => common?.has(key));
}

const keyOf = (item: Json, key: string): string => {
  const value = (item as JsonObject)[key];
  return typeof value === "string" ? value : JSON.stringify(value);
};

function toMap(list: readonly Json[], key: string): JsonObject {
  return Object.fromEntries(list.map((item) => [keyOf(item, key), item]));
}

function mergeList(destination: Json[], lastApplied: Json[], desired: Json[]): Json {
  const key = listMapKey(destination, lastApplied, desired);
  if (key === undefined) return clone(desired);
  const merged = mergeObject(toMap(destination, key), toMap(lastApplied, key), toMap(desired, key));
  const out: Json[] = [];
  const seen = new Set<string>();
  // Items already present keep their order; new desired items follow in the desired order.
  for (const item of [...destination, ...desired]) {
    const k = keyOf(item, key);
    if (seen.has(k) || !Object.hasOwn(merged, k)) continue;
    seen.add(k);
    out.push(merged[k] as Json);
  }
  return out;
}

function mergeObject(destination: JsonObject, lastApplied: JsonObject, desired: JsonObject): JsonObject {
  for (const key of Object.keys(lastApplied)) if (!Object.hasOwn(desired, key)) delete destination[key];
  for (const [key, value] of Object.entries(desired)) {
    destination[key] = mergeValue(destination[key], lastApplied[key], value);
  }
  return destination;
}

function mergeValue(destination: Json | undefined, lastApplied: Json | undefined, desired: Json): Json {
  if (isObject(destination) && isObject(desired))
    return mergeObject(destination, isObject(lastApplied) ? lastApplied : {}, desired);
  if (Array.isArray(destination) && Array.isArray(desired))
    return mergeList(destination, Array.isArray(lastApplied) ? lastApplied : [], desired);
  return clone(desired);
}

function metadataOf(object: JsonObject): JsonObject {
  if (!isObject(object.metadata)) object.metadata = {};
  return object.metadata as JsonObject;
}

export function annotationsOf(object: JsonObject): Record<string, string> {
  const annotations = metadataOf(object).annotations;
  return isObject(annotations) ? (annotations as Record<string, string>) : {};
}

export function setAnnotation(object: JsonObject, key: string, value: string | undefined): void {
  const meta = metadataOf(object);
  const annotations = { ...annotationsOf(object) };
  if (value === undefined) delete annotations[key];
  else annotations[key] = value;
  meta.annotations = annotations;
}

export function lastAppliedOf(observed: JsonObject): JsonObject {
  const text = annotationsOf(observed)[lastAppliedAnnotation];
  if (!text) return {};
  const parsed: unknown = JSON.parse(text);
  if (!isObject(parsed)) throw new Error(`${lastAppliedAnnotation} is not a JSON object`);
  return parsed;
}

function revert(merged: JsonObject, observed: JsonObject, path: readonly string[]): void {
  let from: Json | undefined = observed;
  for (const segment of path) from = isObject(from) ? from[segment] : undefined;
  let into = merged;
  for (const segment of path.slice(0, -1)) {
    if (!isObject(into[segment])) into[segment] = {};
    into = into[segment] as JsonObject;
  }
  const last = path[path.length - 1] as string;
  if (from === undefined) delete into[last];
  else into[last] = clone(from);
}

/**
 * The object Metacontroller would PUT for an observed attachment and the hook's desired one
 * (desired without any last-applied annotation of its own), last-applied annotation included.
 */
export function applyUpdate(observed: JsonObject, desired: JsonObject): JsonObject {
  const update = clone(desired);
  setAnnotation(update, lastAppliedAnnotation, undefined);
  const merged = mergeObject(clone(observed), lastAppliedOf(observed), update);
  for (const field of systemFields) revert(merged, observed, ["metadata", field]);
  revert(merged, observed, ["status"]);
  setAnnotation(merged, lastAppliedAnnotation, canonicalJson(update));
  return merged;
}

/** The object Metacontroller would POST for a new attachment: desired + last-applied + controller ref. */
export function prepareCreate(desired: JsonObject, ownerRef: JsonObject): JsonObject {
  const created = clone(desired);
  setAnnotation(created, lastAppliedAnnotation, undefined);
  setAnnotation(created, lastAppliedAnnotation, canonicalJson(created));
  const meta = metadataOf(created);
  meta.ownerReferences = [...(Array.isArray(meta.ownerReferences) ? meta.ownerReferences : []), ownerRef];
  return created;
}
