/** The exchanges of the enabled clouds, each built from its SDK's own environment settings. */
import type { WorkloadIdentityCredentialOptions } from "@azure/identity";
import { createAcrTokenSource } from "./acr-token-source.ts";
import type { CloudTokenSources } from "./cloud-token.ts";
import { createEcrTokenSource } from "./ecr-token-source.ts";
import { createGcpTokenSource } from "./gcp-token-source.ts";
import type { CloudProvider } from "./provider-for-host.ts";

export interface CloudTokenSourcesOptions {
  readonly fetch: typeof globalThis.fetch;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly insecureRegistries: readonly string[];
  /** Bound on ACR's exchange request (the SDKs carry their own). */
  readonly timeoutMs?: number;
  readonly azureIdentityOptions?: WorkloadIdentityCredentialOptions;
}

export function createCloudTokenSources(
  enabled: ReadonlySet<CloudProvider>,
  options: CloudTokenSourcesOptions,
): CloudTokenSources {
  return {
    ...(enabled.has("aws") ? { aws: createEcrTokenSource() } : {}),
    ...(enabled.has("gcp") ? { gcp: createGcpTokenSource() } : {}),
    ...(enabled.has("azure")
      ? {
          azure: createAcrTokenSource({
            fetch: options.fetch,
            tenantId: options.env.AZURE_TENANT_ID,
            insecureRegistries: new Set(options.insecureRegistries),
            timeoutMs: options.timeoutMs ?? 30_000,
            ...(options.azureIdentityOptions === undefined
              ? {}
              : { identityOptions: options.azureIdentityOptions }),
          }),
        }
      : {}),
  };
}
