/**
 * Which cloud serves a registry host, and what its credentials are scoped to. Pure: every rule is
 * a row in tests/unit/sidecar/registry/cloud/provider-for-host.test.ts. A host is only ever matched
 * whole (anchored, no port), so a lookalike (`gcr.io.example.com`, `x.azurecr.io:444`) is no cloud
 * host and never receives a cloud credential.
 */

export type CloudProvider = "aws" | "gcp" | "azure";
export const cloudProviders: readonly CloudProvider[] = ["aws", "gcp", "azure"];

/** Azure clouds that host ACR, by login-server suffix; they differ in the token audience. */
export type AzureCloud = "public" | "china" | "usgov";

export type CloudTarget =
  | { readonly provider: "aws"; readonly account: string; readonly region: string; readonly fips: boolean }
  | { readonly provider: "gcp" }
  | { readonly provider: "azure"; readonly cloud: AzureCloud };

/** Per-registry choice from the sidecar config: a target, or `none` (a plain registry, whatever it looks like). */
export type ProviderOverride = CloudTarget | "none";

const ecrSuffixes = new Set([
  "amazonaws.com",
  "amazonaws.com.cn",
  "amazonaws.eu",
  "sc2s.sgov.gov",
  "c2s.ic.gov",
  "cloud.adc-e.uk",
  "csp.hci.ic.gov",
]);
const dualStackSuffix = "on.aws";
const awsAccount = /^\d{12}$/;

/** Dash-separated words ending in a number: `us-east-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`. */
function isRegion(text: string): boolean {
  const words = text.split("-");
  const number = words.pop() ?? "";
  return (
    words.length >= 2 &&
    /^\d{1,2}$/.test(number) &&
    /^[a-z]{2,4}$/.test(words[0] ?? "") &&
    words.every((word) => /^[a-z]{1,16}$/.test(word))
  );
}

/**
 * `<account>.dkr.ecr[-fips].<region>.<partition suffix>`, or the dual-stack
 * `<account>.dkr-ecr[-fips].<region>.on.aws`. Split into labels rather than one regular
 * expression, so no pattern repeats a group.
 */
function ecrTarget(host: string): CloudTarget | undefined {
  const labels = host.split(".");
  const [account = "", first = "", second = ""] = labels;
  if (!awsAccount.test(account)) return undefined;
  const dualStack = first === "dkr-ecr" || first === "dkr-ecr-fips";
  const service = dualStack ? first.slice("dkr-".length) : first === "dkr" ? second : "";
  const rest = labels.slice(dualStack ? 2 : 3);
  const region = rest.shift() ?? "";
  const suffix = rest.join(".");
  if (service !== "ecr" && service !== "ecr-fips") return undefined;
  if (!isRegion(region)) return undefined;
  if (dualStack ? suffix !== dualStackSuffix : !ecrSuffixes.has(suffix)) return undefined;
  return { provider: "aws", account, region, fips: service === "ecr-fips" };
}

/**
 * Container Registry's hosts that serve private images. `k8s.gcr.io` (redirects off Google) and
 * `mirror.gcr.io` (a public Docker Hub cache) are left out on purpose: nothing there needs a token.
 */
const gcrHosts = new Set(["gcr.io", "us.gcr.io", "eu.gcr.io", "asia.gcr.io", "marketplace.gcr.io"]);
const artifactRegistrySuffix = "-docker.pkg.dev";

/** `us`, `europe-west1`, `northamerica-northeast1`: one to three dash-separated words. */
function isLocation(text: string): boolean {
  const words = text.split("-");
  return words.length <= 3 && words.every((word) => /^[a-z0-9]{1,24}$/.test(word));
}

/** `<name>.azurecr.<tld>`; a name is letters and digits, with one dash-hash under domain-name-label scoping. */
const acrHost = /^[a-z0-9]{5,50}(?:-[a-z0-9]{1,16})?\.azurecr\.(io|cn|us)$/;
const azureClouds: Readonly<Record<string, AzureCloud>> = { io: "public", cn: "china", us: "usgov" };

/** Recognises a host (normalised: lowercase host[:port]) by its shape alone; undefined for any other registry. */
export function providerForHost(host: string): CloudTarget | undefined {
  const ecr = ecrTarget(host);
  if (ecr !== undefined) return ecr;
  if (gcrHosts.has(host)) return { provider: "gcp" };
  if (host.endsWith(artifactRegistrySuffix) && isLocation(host.slice(0, -artifactRegistrySuffix.length)))
    return { provider: "gcp" };
  const acr = acrHost.exec(host);
  if (acr !== null) return { provider: "azure", cloud: azureClouds[acr[1] ?? ""] ?? "public" };
  return undefined;
}

/** The configured override wins over the host's shape; `none` turns recognition off for that host. */
export function cloudTargetFor(
  host: string,
  overrides: ReadonlyMap<string, ProviderOverride>,
): CloudTarget | undefined {
  const override = overrides.get(host);
  if (override === "none") return undefined;
  return override ?? providerForHost(host);
}
