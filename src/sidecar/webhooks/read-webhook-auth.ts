/**
 * Reads one source's `auth` block: checks its keys and resolves the secret from `secretEnv` or
 * `secretFile` (a mounted Secret). Secrets are never accepted inline, so the config itself can live
 * in a ConfigMap. Problems are appended to the shared list instead of thrown.
 */
import { isRecord, type JsonRecord } from "../../core/json/narrow-json.ts";
import { type WebhookAuth, type WebhookAuthType, webhookAuthTypes } from "./auth/webhook-auth.ts";
import type { WebhookVendor } from "./webhook-vendors.ts";

export interface SecretReaders {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: (path: string) => string;
}

const allowedKeys: Record<WebhookAuthType, readonly string[]> = {
  "hmac-sha256": ["header"],
  "hmac-sha1": ["header"],
  "header-token": ["header"],
  basic: ["username"],
  "none-secret-path": [],
  jfrog: ["mode"],
  "generic-hmac-timestamp": ["toleranceSeconds"],
  "google-oidc": ["audience", "serviceAccount"],
};
const noSecret: readonly WebhookAuthType[] = ["none-secret-path", "google-oidc"];
const headerName = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** Where each vendor puts its signature unless the config says otherwise. */
function defaultHeader(type: WebhookAuthType, vendor: WebhookVendor): string {
  if (type === "hmac-sha1") return vendor === "nexus" ? "x-nexus-webhook-signature" : "x-hub-signature";
  if (type === "hmac-sha256") return vendor === "generic" ? "x-headwind-signature" : "x-hub-signature-256";
  return "authorization";
}

export function readWebhookAuth(
  value: unknown,
  vendor: WebhookVendor,
  where: string,
  readers: SecretReaders,
  problems: string[],
): WebhookAuth | undefined {
  if (!isRecord(value)) return void problems.push(`${where}: auth must be an object`);
  const type = value.type;
  if (typeof type !== "string" || !(webhookAuthTypes as readonly string[]).includes(type)) {
    return void problems.push(`${where}: auth.type must be one of ${webhookAuthTypes.join(", ")}`);
  }
  const authType = type as WebhookAuthType;
  const secretKeys = noSecret.includes(authType) ? [] : ["secretEnv", "secretFile"];
  for (const key of Object.keys(value)) {
    if (key !== "type" && !secretKeys.includes(key) && !allowedKeys[authType].includes(key)) {
      problems.push(`${where}: auth.${key} is not a setting of ${authType}`);
    }
  }
  if (authType === "none-secret-path") return { type: authType };
  if (authType === "google-oidc") return readGoogleOidc(value, where, problems);
  const secret = readSecret(value, `${where}: auth`, readers, problems);
  const header = readHeader(value, defaultHeader(authType, vendor), where, problems);
  return secret === undefined ? undefined : build(authType, value, { secret, header, where }, problems);
}

interface Common {
  readonly secret: string;
  readonly header: string;
  readonly where: string;
}

function build(
  type: WebhookAuthType,
  value: JsonRecord,
  common: Common,
  problems: string[],
): WebhookAuth | undefined {
  const { secret, header, where } = common;
  switch (type) {
    case "hmac-sha256":
    case "hmac-sha1":
    case "header-token":
      return { type, header, secret };
    case "basic": {
      const username = value.username;
      if (typeof username === "string" && username !== "" && !username.includes(":"))
        return { type, username, secret };
      return void problems.push(`${where}: auth.username must be a non-empty string without ':'`);
    }
    case "jfrog": {
      const mode = value.mode ?? "either";
      if (mode === "token" || mode === "hmac" || mode === "either") return { type, mode, secret };
      return void problems.push(`${where}: auth.mode must be token, hmac or either`);
    }
    case "generic-hmac-timestamp": {
      const tolerance = value.toleranceSeconds ?? 300;
      if (Number.isInteger(tolerance) && (tolerance as number) > 0) {
        return { type, secret, toleranceSeconds: tolerance as number };
      }
      return void problems.push(`${where}: auth.toleranceSeconds must be a positive integer`);
    }
    default:
      return undefined;
  }
}

/** The audience is what the push subscription was given (by default its endpoint URL). */
function readGoogleOidc(value: JsonRecord, where: string, problems: string[]): WebhookAuth | undefined {
  const { audience, serviceAccount } = value;
  const audienceOk = typeof audience === "string" && audience !== "";
  const accountOk = typeof serviceAccount === "string" && /^[^@\s]+@[^@\s]+$/.test(serviceAccount);
  if (!audienceOk) problems.push(`${where}: auth.audience must be the push subscription's audience`);
  if (!accountOk) problems.push(`${where}: auth.serviceAccount must be the push service account's email`);
  return audienceOk && accountOk ? { type: "google-oidc", audience, serviceAccount } : undefined;
}

function readHeader(value: JsonRecord, fallback: string, where: string, problems: string[]): string {
  const header = value.header;
  if (header === undefined) return fallback;
  if (typeof header === "string" && headerName.test(header)) return header.toLowerCase();
  problems.push(`${where}: auth.header must be an HTTP header name`);
  return fallback;
}

/** Exactly one of `<prefix>Env` / `<prefix>File`; a file's single trailing newline is dropped. */
export function readSecret(
  value: JsonRecord,
  where: string,
  readers: SecretReaders,
  problems: string[],
  prefix = "secret",
): string | undefined {
  const envName = value[`${prefix}Env`];
  const fileName = value[`${prefix}File`];
  if ((envName === undefined) === (fileName === undefined)) {
    return void problems.push(`${where}: give exactly one of ${prefix}Env or ${prefix}File`);
  }
  if (typeof envName === "string") {
    const secret = readers.env[envName];
    if (secret !== undefined && secret !== "") return secret;
    return void problems.push(`${where}: environment variable ${envName} is unset or empty`);
  }
  if (typeof fileName !== "string")
    return void problems.push(`${where}: ${prefix}Env/${prefix}File must be a string`);
  try {
    const secret = readers.readFile(fileName).replace(/\r?\n$/, "");
    if (secret !== "") return secret;
    return void problems.push(`${where}: file ${fileName} is empty`);
  } catch (error) {
    const code = isRecord(error) && typeof error.code === "string" ? ` (${error.code})` : "";
    return void problems.push(`${where}: cannot read file ${fileName}${code}`);
  }
}
