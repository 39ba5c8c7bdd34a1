/**
 * ACR: the federated token file of Azure Workload Identity is exchanged for an Entra ID access
 * token (@azure/identity's WorkloadIdentityCredential: `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`,
 * `AZURE_FEDERATED_TOKEN_FILE`, `AZURE_AUTHORITY_HOST`), which the registry's `/oauth2/exchange`
 * turns into an ACR refresh token for that registry. The refresh token is the password of the null
 * GUID user: the normal registry token flow then gets an access token per repository scope.
 */
import { WorkloadIdentityCredential, type WorkloadIdentityCredentialOptions } from "@azure/identity";
import { resolveRegistryOrigin } from "../resolve-registry-origin.ts";
import type { CloudTokenSource } from "./cloud-token.ts";
import { CloudCredentialError } from "./describe-cloud-error.ts";
import type { AzureCloud } from "./provider-for-host.ts";
import { readCappedJson } from "./read-capped-json.ts";

/** The user ACR expects with a refresh token as password (`az acr login --expose-token`). */
export const acrRefreshTokenUser = "00000000-0000-0000-0000-000000000000";

/** The Entra ID audience ACR accepts in each cloud: that cloud's Resource Manager. */
const audiences: Readonly<Record<AzureCloud, string>> = {
  public: "https://management.azure.com/.default",
  china: "https://management.chinacloudapi.cn/.default",
  usgov: "https://management.usgovcloudapi.net/.default",
};
const maxExchangeBytes = 64 * 1024;

export interface AcrTokenSourceOptions {
  readonly fetch: typeof globalThis.fetch;
  /** `AZURE_TENANT_ID`, sent with the exchange; ACR then validates the token against that tenant. */
  readonly tenantId: string | undefined;
  /** Registries spoken to over plain http (loopback always is), as for the registry client. */
  readonly insecureRegistries: ReadonlySet<string>;
  readonly timeoutMs: number;
  /** Added to the environment's settings (tests pass the TLS trust of their loopback Entra ID). */
  readonly identityOptions?: WorkloadIdentityCredentialOptions;
}

/** The `exp` of a JWT, in ms; only to know when to ask again (ACR checks the signature, we need not). */
function jwtExpiry(token: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
    return typeof payload?.exp === "number" ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

async function exchange(
  options: AcrTokenSourceOptions,
  registry: string,
  accessToken: string,
): Promise<string> {
  const form = new URLSearchParams({
    grant_type: "access_token",
    service: registry,
    access_token: accessToken,
  });
  if (options.tenantId) form.set("tenant", options.tenantId);
  const url = `${resolveRegistryOrigin(registry, options.insecureRegistries)}/oauth2/exchange`;
  const response = await options.fetch(url, {
    method: "POST",
    body: form,
    redirect: "error",
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const what = `${registry}/oauth2/exchange`;
  if (!response.ok) {
    await response.body?.cancel();
    throw new CloudCredentialError(`${what} answered ${response.status}`, response.status);
  }
  const refreshToken = (await readCappedJson(response, maxExchangeBytes, what)) as {
    refresh_token?: unknown;
  };
  if (typeof refreshToken?.refresh_token !== "string" || refreshToken.refresh_token === "")
    throw new CloudCredentialError(`${what} sent no refresh_token`);
  return refreshToken.refresh_token;
}

export function createAcrTokenSource(options: AcrTokenSourceOptions): CloudTokenSource<"azure"> {
  // Instance discovery would ask login.microsoftonline.com to vouch for the authority host; the
  // host is the operator's own setting (AZURE_AUTHORITY_HOST), so there is nothing to ask.
  const credential = new WorkloadIdentityCredential({
    disableInstanceDiscovery: true,
    ...options.identityOptions,
  });
  return async (target, registry) => {
    const entra = await credential.getToken(audiences[target.cloud]);
    if (entra === null) throw new CloudCredentialError("Entra ID gave no access token");
    const password = await exchange(options, registry, entra.token);
    return {
      username: acrRefreshTokenUser,
      password,
      expiresAt: jwtExpiry(password) ?? entra.expiresOnTimestamp,
    };
  };
}
