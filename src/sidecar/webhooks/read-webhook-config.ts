/**
 * Reads the webhook receiver's config (JSON or YAML): the list of sources. Validates everything
 * and throws one `WebhookConfigError` listing every problem. Secrets (and secret paths) are read
 * here, once, from the injected env and file reader — rotate them by restarting the sidecar.
 */
import { parse as parseYaml } from "yaml";
import { parseImageRef } from "../../core/images/image-ref.ts";
import { isRecord, type JsonRecord } from "../../core/json/narrow-json.ts";
import { readSecret, readWebhookAuth, type SecretReaders } from "./read-webhook-auth.ts";
import { WebhookConfigError } from "./webhook-config-error.ts";
import type { WebhookSource } from "./webhook-source.ts";
import { isWebhookVendor, type WebhookVendor, webhookVendors } from "./webhook-vendors.ts";

export interface WebhookConfig {
  readonly sources: readonly WebhookSource[];
}

const sourceKeys = new Set(["name", "vendor", "path", "pathEnv", "pathFile", "registry", "auth"]);
const namePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const pathPattern = /^[A-Za-z0-9._~-]{1,256}$/;
/** A path that is the only secret must be unguessable: 32 characters of base64url is ~190 bits. */
const minSecretPathLength = 32;

export function readWebhookConfig(text: string, readers: SecretReaders): WebhookConfig {
  let document: unknown;
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both.
    document = parseYaml(text);
  } catch (error) {
    throw new WebhookConfigError([
      `not valid YAML or JSON: ${error instanceof Error ? error.message : "unknown"}`,
    ]);
  }
  const list = isRecord(document) ? document.sources : undefined;
  if (!Array.isArray(list)) throw new WebhookConfigError(["sources must be a list"]);
  const problems: string[] = [];
  const sources = list.map((entry, index) => readSource(entry, `sources[${index}]`, readers, problems));
  checkUnique(sources, problems);
  if (problems.length > 0) throw new WebhookConfigError(problems);
  return { sources: sources.filter((source) => source !== undefined) };
}

function readSource(
  entry: unknown,
  where: string,
  readers: SecretReaders,
  problems: string[],
): WebhookSource | undefined {
  if (!isRecord(entry)) return void problems.push(`${where}: must be an object`);
  for (const key of Object.keys(entry)) {
    if (!sourceKeys.has(key)) problems.push(`${where}: unknown key ${key}`);
  }
  const { name, vendor } = entry;
  if (typeof name !== "string" || !namePattern.test(name)) {
    problems.push(`${where}: name must match ${namePattern.source}`);
  }
  if (typeof vendor !== "string" || !isWebhookVendor(vendor)) {
    problems.push(`${where}: vendor must be one of ${Object.keys(webhookVendors).join(", ")}`);
    return undefined;
  }
  const label = typeof name === "string" ? `${where} (${name})` : where;
  const auth = readWebhookAuth(entry.auth, vendor, label, readers, problems);
  const path = readPath(entry, label, auth?.type === "none-secret-path", readers, problems);
  const registry = readRegistry(entry.registry, vendor, label, problems);
  if (auth !== undefined && !(webhookVendors[vendor].auth as readonly string[]).includes(auth.type)) {
    problems.push(
      `${label}: auth.type ${auth.type} is not allowed for ${vendor} (use ${webhookVendors[vendor].auth.join(", ")})`,
    );
  }
  if (typeof name !== "string" || auth === undefined || path === undefined) return undefined;
  return { name, vendor, path, registry, auth };
}

function readPath(
  entry: JsonRecord,
  where: string,
  secretPath: boolean,
  readers: SecretReaders,
  problems: string[],
): string | undefined {
  const inline = entry.path;
  if (inline !== undefined && secretPath) {
    return void problems.push(
      `${where}: with none-secret-path the path is the secret: use pathEnv or pathFile`,
    );
  }
  const path = inline ?? readSecret(entry, where, readers, problems, "path");
  if (typeof path !== "string" || !pathPattern.test(path)) {
    if (path !== undefined) problems.push(`${where}: path must match ${pathPattern.source}`);
    return undefined;
  }
  if (secretPath && path.length < minSecretPathLength) {
    return void problems.push(`${where}: a secret path needs at least ${minSecretPathLength} characters`);
  }
  return path;
}

function readRegistry(
  value: unknown,
  vendor: WebhookVendor,
  where: string,
  problems: string[],
): string | undefined {
  if (value === undefined) {
    if (webhookVendors[vendor].needsRegistry)
      problems.push(`${where}: ${vendor} payloads name no host: set registry`);
    return undefined;
  }
  const host = typeof value === "string" ? value.trim().toLowerCase() : "";
  // The same rule as image references: a host has a dot or a port, or is `localhost`.
  const ref = parseImageRef(`${host}/x`);
  if (ref?.domain?.toLowerCase() === host && host !== "") return ref.registry;
  return void problems.push(`${where}: registry must be a host[:port], e.g. registry.example.com:5000`);
}

function checkUnique(sources: readonly (WebhookSource | undefined)[], problems: string[]): void {
  const seen = { name: new Set<string>(), path: new Set<string>() };
  for (const source of sources) {
    if (source === undefined) continue;
    if (seen.name.has(source.name)) problems.push(`source name ${source.name} is used twice`);
    // Never echo a path: it may be the secret.
    if (seen.path.has(source.path)) problems.push(`source ${source.name} reuses another source's path`);
    seen.name.add(source.name);
    seen.path.add(source.path);
  }
}
