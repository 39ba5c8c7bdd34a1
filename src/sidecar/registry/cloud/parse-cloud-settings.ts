/**
 * The sidecar's cloud settings from its environment, pure:
 *
 * - `HEADWIND_CLOUD_PROVIDERS`: `auto` (default), `none`, or a comma list of `aws`, `gcp`, `azure`.
 *   `auto` enables a cloud when the pod carries its workload identity (the variables EKS, AKS and a
 *   mounted Google key put there) or when an override names it; GKE Workload Identity leaves no
 *   trace in the environment, so it is enabled by name (or by an override).
 * - `HEADWIND_REGISTRY_PROVIDERS`: comma list of `host[:port]=provider` choosing the provider of one
 *   registry whatever its host looks like: `aws:<account>:<region>[:fips]`, `gcp`,
 *   `azure[:public|china|usgov]`, or `none` (plain registry: pull secrets or anonymous).
 */
import {
  type AzureCloud,
  type CloudProvider,
  cloudProviders,
  type ProviderOverride,
} from "./provider-for-host.ts";

export interface CloudSettings {
  /** Clouds whose credentials the sidecar asks for; a host of any other cloud is a plain registry. */
  readonly enabled: ReadonlySet<CloudProvider>;
  /** Normalised host[:port] → the provider chosen for it. */
  readonly overrides: ReadonlyMap<string, ProviderOverride>;
}

type Env = Readonly<Record<string, string | undefined>>;

const providersKey = "HEADWIND_CLOUD_PROVIDERS";
const overridesKey = "HEADWIND_REGISTRY_PROVIDERS";
const azureCloudNames: readonly AzureCloud[] = ["public", "china", "usgov"];

/** What each cloud's workload identity leaves in the pod's environment. */
const identityVariables: Readonly<Record<CloudProvider, readonly string[]>> = {
  aws: [
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  ],
  gcp: ["GOOGLE_APPLICATION_CREDENTIALS"],
  azure: ["AZURE_FEDERATED_TOKEN_FILE"],
};

function items(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function isProvider(text: string): text is CloudProvider {
  return (cloudProviders as readonly string[]).includes(text);
}

function parseAws(parts: readonly string[]): ProviderOverride | undefined {
  const [account = "", region = "", fips, ...extra] = parts;
  if (!/^\d{12}$/.test(account) || !/^[a-z]{2,4}-[a-z0-9-]{1,40}$/.test(region) || extra.length > 0)
    return undefined;
  if (fips !== undefined && fips !== "fips") return undefined;
  return { provider: "aws", account, region, fips: fips === "fips" };
}

/** One override value: `aws:123456789012:eu-west-1`, `gcp`, `azure:china`, `none`. */
export function parseProviderOverride(value: string): ProviderOverride | undefined {
  const [name = "", ...parts] = value.toLowerCase().split(":");
  if (name === "none") return parts.length === 0 ? "none" : undefined;
  if (name === "gcp") return parts.length === 0 ? { provider: "gcp" } : undefined;
  if (name === "aws") return parseAws(parts);
  if (name !== "azure" || parts.length > 1) return undefined;
  const cloud = (parts[0] ?? "public") as AzureCloud;
  return azureCloudNames.includes(cloud) ? { provider: "azure", cloud } : undefined;
}

/** `host[:port]`, lowercase, no scheme or path: the form repository keys use. */
const hostPort = /^[a-z0-9.-]{1,253}(?::\d{1,5})?$/;

function readOverrides(env: Env, problems: string[]): Map<string, ProviderOverride> {
  const overrides = new Map<string, ProviderOverride>();
  for (const item of items(env[overridesKey])) {
    const equals = item.indexOf("=");
    const host = item.slice(0, Math.max(0, equals)).trim().toLowerCase();
    const parsed = equals < 0 ? undefined : parseProviderOverride(item.slice(equals + 1).trim());
    if (!hostPort.test(host) || parsed === undefined) {
      problems.push(
        `${overridesKey}: ${JSON.stringify(item)} is not host[:port]=aws:<account>:<region>[:fips] | gcp | azure[:public|china|usgov] | none`,
      );
      continue;
    }
    overrides.set(host, parsed);
  }
  return overrides;
}

function namedBy(overrides: ReadonlyMap<string, ProviderOverride>): CloudProvider[] {
  return [...overrides.values()].flatMap((override) => (override === "none" ? [] : [override.provider]));
}

function readEnabled(env: Env, overrides: ReadonlyMap<string, ProviderOverride>, problems: string[]) {
  const raw = items(env[providersKey]?.toLowerCase());
  if (raw.length === 0 || (raw.length === 1 && raw[0] === "auto")) {
    const detected = cloudProviders.filter((provider) => identityVariables[provider].some((key) => env[key]));
    return new Set([...detected, ...namedBy(overrides)]);
  }
  if (raw.length === 1 && raw[0] === "none") raw.pop();
  const enabled = new Set<CloudProvider>();
  for (const name of raw) {
    if (isProvider(name)) enabled.add(name);
    else problems.push(`${providersKey}: ${JSON.stringify(name)} is not auto, none, aws, gcp or azure`);
  }
  for (const provider of namedBy(overrides)) {
    if (!enabled.has(provider))
      problems.push(`${overridesKey} names ${provider}, which ${providersKey} does not enable`);
  }
  return enabled;
}

export function parseCloudSettings(env: Env, problems: string[]): CloudSettings {
  const overrides = readOverrides(env, problems);
  return { enabled: readEnabled(env, overrides, problems), overrides };
}
