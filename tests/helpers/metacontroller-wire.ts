/**
 * The hook wire contract as Metacontroller enforces it (metacontroller.md §2.3, §2.4, §2.8, §3):
 * object maps keyed `Kind.apiVersion` → `namespace/name` (v2 UniformObjectMap), and responses
 * decoded the way `sigs.k8s.io/json` does in strict mode: exact, case-sensitive field names, an
 * unknown field in a typed part is an error, and so is a wrong type. Objects inside `attachments`
 * are unstructured, so anything passes there. Pure.
 */
import { isObject, type JsonObject } from "./metacontroller-apply.ts";
import { checkSelector, type LabelSelector } from "./metacontroller-selectors.ts";

export type ObjectMap = Record<string, Record<string, JsonObject>>;

export interface RelatedRule {
  apiVersion: string;
  resource: string;
  labelSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  namespace?: string;
  names?: string[];
}

export interface DecoratorResponse {
  labels: Record<string, string | null>;
  annotations: Record<string, string | null>;
  /** null: leave the parent's status alone (§2.4, Decorator column). */
  status: JsonObject | null;
  attachments: JsonObject[];
  resyncAfterSeconds: number;
  finalized: boolean;
}

export class HookResponseError extends Error {
  override readonly name = "HookResponseError";
}

export function groupKey(kind: string, apiVersion: string): string {
  return `${kind}.${apiVersion}`;
}

/** v2 UniformObjectMap key: `namespace/name` for namespaced objects, `name` for cluster-scoped ones. */
export function objectKey(object: JsonObject): string {
  const meta = isObject(object.metadata) ? object.metadata : {};
  const name = String(meta.name ?? "");
  return typeof meta.namespace === "string" && meta.namespace !== "" ? `${meta.namespace}/${name}` : name;
}

export function insert(map: ObjectMap, group: string, object: JsonObject): void {
  map[group] ??= {};
  (map[group] as Record<string, JsonObject>)[objectKey(object)] = object;
}

function fail(where: string, problem: string): never {
  throw new HookResponseError(`${where}: ${problem}`);
}

function checkFields(value: JsonObject, allowed: readonly string[], where: string, strict: boolean): void {
  if (!strict) return;
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) fail(where, `unknown field(s) ${unknown.map((k) => JSON.stringify(k)).join(", ")}`);
}

function stringMap(value: unknown, where: string, nullable: boolean): Record<string, string | null> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) fail(where, "expected an object");
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === "string" || (nullable && v === null)) continue;
    fail(`${where}.${key}`, nullable ? "expected a string or null" : "expected a string");
  }
  return value as Record<string, string | null>;
}

function numberOr(value: unknown, fallback: number, where: string): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number") fail(where, "expected a number");
  return value;
}

function booleanOr(value: unknown, where: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") fail(where, "expected a boolean");
  return value;
}

function attachmentsOf(value: unknown): JsonObject[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail("attachments", "expected an array");
  return value.map((item, i) => {
    if (!isObject(item)) fail(`attachments[${i}]`, "expected an object");
    if (typeof item.apiVersion !== "string" || typeof item.kind !== "string")
      fail(`attachments[${i}]`, "needs apiVersion and kind");
    const meta = item.metadata;
    if (!isObject(meta) || typeof meta.name !== "string" || meta.name === "")
      fail(`attachments[${i}]`, "needs metadata.name");
    return item;
  });
}

/** Decodes a DecoratorController sync/finalize answer; throws HookResponseError as Metacontroller fails the sync. */
export function parseDecoratorResponse(body: unknown, strict: boolean): DecoratorResponse {
  if (!isObject(body)) fail("response", "expected a JSON object");
  const fields = ["labels", "annotations", "status", "attachments", "resyncAfterSeconds", "finalized"];
  checkFields(body, fields, "response", strict);
  const status = body.status;
  if (status !== undefined && status !== null && !isObject(status))
    fail("status", "expected an object or null");
  return {
    labels: stringMap(body.labels, "labels", true),
    annotations: stringMap(body.annotations, "annotations", true),
    status: isObject(status) ? status : null,
    attachments: attachmentsOf(body.attachments),
    resyncAfterSeconds: numberOr(body.resyncAfterSeconds, 0, "resyncAfterSeconds"),
    finalized: booleanOr(body.finalized, "finalized"),
  };
}

const selectorFields = ["matchLabels", "matchExpressions"];
const ruleFields = ["apiVersion", "resource", "labelSelector", "namespaceSelector", "namespace", "names"];

function selectorOf(value: unknown, where: string, strict: boolean): LabelSelector | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) fail(where, "expected an object");
  checkFields(value, selectorFields, where, strict);
  stringMap(value.matchLabels, `${where}.matchLabels`, false);
  const selector = value as LabelSelector;
  try {
    checkSelector(selector);
  } catch (error) {
    fail(where, (error as Error).message);
  }
  return selector;
}

function checkRuleScalars(value: JsonObject, where: string): void {
  if (typeof value.apiVersion !== "string" || typeof value.resource !== "string")
    fail(where, "needs apiVersion and resource");
  const names = value.names;
  const namesOk =
    names === undefined ||
    names === null ||
    (Array.isArray(names) && names.every((n) => typeof n === "string"));
  if (!namesOk) fail(`${where}.names`, "expected a list of strings");
  const ns = value.namespace;
  if (ns !== undefined && ns !== null && typeof ns !== "string")
    fail(`${where}.namespace`, "expected a string");
}

function ruleOf(value: unknown, i: number, strict: boolean): RelatedRule {
  const where = `relatedResources[${i}]`;
  if (!isObject(value)) fail(where, "expected an object");
  checkFields(value, ruleFields, where, strict);
  checkRuleScalars(value, where);
  const rule: RelatedRule = { apiVersion: String(value.apiVersion), resource: String(value.resource) };
  const labelSelector = selectorOf(value.labelSelector, `${where}.labelSelector`, strict);
  const namespaceSelector = selectorOf(value.namespaceSelector, `${where}.namespaceSelector`, strict);
  if (labelSelector) rule.labelSelector = labelSelector;
  if (namespaceSelector) rule.namespaceSelector = namespaceSelector;
  if (typeof value.namespace === "string" && value.namespace !== "") rule.namespace = value.namespace;
  if (Array.isArray(value.names) && value.names.length > 0) rule.names = value.names as string[];
  // §3: names exclude both selectors; namespace excludes namespaceSelector.
  if (rule.names && (rule.labelSelector || rule.namespaceSelector))
    fail(where, "names cannot be combined with labelSelector/namespaceSelector");
  if (rule.namespace && rule.namespaceSelector)
    fail(where, "namespace cannot be combined with namespaceSelector");
  return rule;
}

/** Decodes a customize answer into its related-resource rules. */
export function parseCustomizeResponse(body: unknown, strict: boolean): RelatedRule[] {
  if (!isObject(body)) fail("customize response", "expected a JSON object");
  checkFields(body, ["relatedResources"], "customize response", strict);
  const rules = body.relatedResources;
  if (rules === undefined || rules === null) return [];
  if (!Array.isArray(rules)) fail("relatedResources", "expected an array");
  return rules.map((rule, i) => ruleOf(rule, i, strict));
}

/** Go durations as hooks write them (`10s`, `1m30s`, `500ms`); undefined when unparsable. */
export function parseGoDuration(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const units: Record<string, number> = {
    h: 3_600_000,
    m: 60_000,
    s: 1000,
    ms: 1,
    us: 0.001,
    µs: 0.001,
    ns: 1e-6,
  };
  const pattern = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(pattern)) {
    total += Number(match[1]) * (units[match[2] as string] ?? 0);
    consumed += match[0].length;
  }
  return consumed === text.length && consumed > 0 ? total : undefined;
}
